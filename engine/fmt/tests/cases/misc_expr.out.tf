locals {
  a = !(var.x)
  b = var.list[*].id
  c = aws_instance.web.*.id[0]
  d = provider::terraform::encode_tfvars({})
  e = try(var.a, null)
  f = { for k, v in var.m : v => k... }
  g = -var.x + -(1)
  h = 1 - 1
  i = (1) - 1
  j = [1] - 1
  k = var.a ? -1 : 1
  l = a < b
  m = 01.50
  n = 1e3
  o = 1.5e-3
}
