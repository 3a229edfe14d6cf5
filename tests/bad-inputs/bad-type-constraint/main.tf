variable "v" {
  type = lisst(string)
}
