output "x" {
  value = 1
  variable "y" {}
}
