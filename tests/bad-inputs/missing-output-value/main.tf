output "id" {
  description = "The id"
}
