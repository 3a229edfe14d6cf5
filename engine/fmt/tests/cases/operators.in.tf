locals {
  sum = 1+2
  diff = var.a-var.b
  prod = var.a*var.b
  quot = var.a/2
  mod = var.a%2
  cmp = var.a>=var.b
  cmp2 = var.a<=var.b&&var.c<var.d||var.e>var.f
  eq = var.a==var.b
  ne = var.a!=var.b
  not = ! var.flag
  paren = ( 1 + 2 ) * 3
  float = 1.5e10 + 2.0
}
