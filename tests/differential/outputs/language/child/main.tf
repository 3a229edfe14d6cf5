variable "items" {
  type = list(string)
}
output "joined" {
  value = join(",", var.items)
}
