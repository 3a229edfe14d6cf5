locals {
  a = -1
  b = -1
  c = [-1, -2, -var.x]
  d = 5 - -3
  e = max(-1, -2)
  f = var.x ? -1 : -2
  g = 10 - 1
  h = (-5)
  i = { x = -1 }
  j = var.a * -1
  k = var.a == -1
  l = !var.b && -1 < 0
}
