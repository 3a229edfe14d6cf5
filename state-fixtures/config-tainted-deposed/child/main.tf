variable "n" {
  type = number
}
module "leaf" {
  source = "./leaf"
  n      = var.n
}
output "n" {
  value = var.n
}
