variable "n" {
  type = number
}
resource "terraform_data" "leaf" {
  input = sensitive("leaf-${var.n}")
}
