locals {
  list = [
    "a",
    "b",
    "c",
  ]
  obj = {
    name        = "x"
    longer_name = "y"
    nested = {
      a  = 1
      bb = [1, 2, 3]
    }
  }
  mixed      = [{ a = 1 }, { b = 2 }]
  empty_list = []
  empty_obj  = {}
  tuple_of_obj = [
    {
      k  = "v"
      kk = "vv"
    },
  ]
}
