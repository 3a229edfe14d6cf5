resource "a" "b" {}
resource "a" "c" {}
resource "a" "d" { x = 1 }
locals {
  empty      = {}
  empty2     = {}
  empty_list = []
  inline     = { a = 1, b = 2 }
  inline2    = { a = 1 }
}
terraform {
  required_providers {}
}
