locals {
  a = max( 1 , 2 , 3 )
  b = merge(
    var.tags,
  {
  Name = "x"
  },
  )
  c = format("%s-%s",
    var.a,
      var.b)
  d = concat(var.list ,["x"] )
  e = coalesce(var.a,var.b,"default")
  f = jsonencode({
  a = 1
  b = [1, 2]
  })
  g = provider::aws::arn_parse(var.arn)
  h = length( var.list... )
  i = lookup(var.map, "key", null)
}
