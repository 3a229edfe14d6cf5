variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
resource "terraform_data" "plain" {
  input = "hello"
}
resource "terraform_data" "counted" {
  count = 2
  input = { n = count.index, parent = terraform_data.plain.id }
}
resource "terraform_data" "keyed" {
  for_each         = toset(["a", "b"])
  input            = { key = each.key, secret = var.secret }
  triggers_replace = [1, "two", true]
}
module "child" {
  source = "./child"
  items  = ["x", "y"]
}
output "ids" {
  value = [for c in terraform_data.counted : c.id]
}
output "secret" {
  value     = var.secret
  sensitive = true
}
