output "x" {
  value = uppper("a")
}
