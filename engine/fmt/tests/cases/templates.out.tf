locals {
  greeting      = "Hello, ${var.name}!"
  func          = "${upper(var.name)}-${lower(var.x)}"
  directive     = "%{if var.enabled}on%{else}off%{endif}"
  strip         = var.a
  nested        = join(",", [for s in var.list : "${s}-x"])
  escape        = "$${literal} and %%{literal}"
  dollar        = "cost: $5 and 50%"
  obj_in_interp = { a = 1 }.a
}
