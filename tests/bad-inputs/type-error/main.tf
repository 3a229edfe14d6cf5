locals {
  n = 1 + "a"
}
