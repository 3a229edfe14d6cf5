variable "region" {
  default = "eu-west-1"

output "x" {
  value = var.region
}
