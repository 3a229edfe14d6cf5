variable "env" {}
variable "env" {
  default = "dev"
}
