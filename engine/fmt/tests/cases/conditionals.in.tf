locals {
  a = var.x ? 1 : 2
  b = var.x?"yes":"no"
  c = var.count > 0 ? var.count : -1
  d = (var.a && var.b) || !var.c
  e = var.enabled ? {
    a = 1
  } : {}
  f = var.x == null ? "" : var.x
}
