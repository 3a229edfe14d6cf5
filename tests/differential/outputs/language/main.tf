variable "services" {
  type = map(object({
    cpu      = number
    replicas = optional(number, 1)
    tags     = optional(map(string), {})
  }))
  default = {
    api    = { cpu = 256, replicas = 2 }
    worker = { cpu = 512, tags = { tier = "batch" } }
  }
}
locals {
  names    = sort(keys(var.services))
  by_cpu   = { for k, s in var.services : tostring(s.cpu) => k... }
  total    = sum([for s in values(var.services) : s.cpu * s.replicas])
  ratio    = 1 / 3
  exact    = 0.1 + 0.2
  big      = 12345678901234567890 * 1000
  rendered = "%{for n in local.names}[${n}]%{endfor}"
  cond     = length(local.names) > 1 ? "many" : "one"
  nested   = [for s in var.services : [for t in keys(s.tags) : t]]
  splat    = [{ a = 1 }, { a = 2 }][*].a
}
module "child" {
  source = "./child"
  items  = local.names
}
output "names"    { value = local.names }
output "by_cpu"   { value = local.by_cpu }
output "total"    { value = local.total }
output "ratio"    { value = local.ratio }
output "exact"    { value = local.exact }
output "big"      { value = local.big }
output "rendered" { value = local.rendered }
output "cond"     { value = local.cond }
output "nested"   { value = local.nested }
output "splat"    { value = local.splat }
output "child"    { value = module.child.joined }
output "services" { value = var.services }
output "secret" {
  value     = "x"
  sensitive = true
}
