locals {
  colon_obj = { a: 1, bb: 2 }
  multi_colon = {
    a: 1
    bbb: 2
  }
  quoted_keys = {
    "a" = 1
    "long-key" = 2
    (var.dynamic) = 3
  }
  commas = {
    a = 1,
    bb = 2,
  }
  nested = { a = { b = { c = 1 } } }
  in = [for x in[1,2]: x]
  fn_obj = merge({
    a = 1
  }, {
    bb = 2
  })
}
