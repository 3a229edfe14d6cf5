output "b" {
  value = var.nope
}

output "a" {
  value = local.nope
}

variable "z" {
  type = strin
}
