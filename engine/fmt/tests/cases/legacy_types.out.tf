variable "a" {
  type = string
}
variable "b" {
  type = list(string)
}
variable "c" {
  type = map(string)
}
variable "d" {
  type = list(any)
}
variable "e" {
  type = map(any)
}
variable "f" {
  type = set(any)
}
variable "g" {
  type = "number"
}
variable "h" {
  type    = list(string)
  default = var.x
}
locals {
  type = "string"
}
