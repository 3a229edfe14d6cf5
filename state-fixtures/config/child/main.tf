variable "items" {
  type = list(string)
}
resource "terraform_data" "c" {
  for_each = toset(var.items)
  input    = each.value
}
output "n" {
  value = length(var.items)
}
