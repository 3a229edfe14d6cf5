output "big" {
  value = 1e999999999
}
