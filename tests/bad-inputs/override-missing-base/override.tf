resource "terraform_data" "b" {
  input = 1
}
output "nope" {
  value = 1
}
