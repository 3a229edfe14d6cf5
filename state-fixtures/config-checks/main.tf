module "m" {
  source = "./m"
  count  = 2
  v      = "x"
}
variable "top" {
  default = "t"
  validation {
    condition     = var.top != ""
    error_message = "empty"
  }
}
output "top" {
  value = var.top
}
