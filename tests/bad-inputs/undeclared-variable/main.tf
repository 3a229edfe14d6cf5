variable "vpc_cidr" {
  default = "10.0.0.0/16"
}

output "cidr" {
  value = var.vpc_cdir
}
