locals {
  ü   = 1
  abc = 2
  map = {
    "ключ"    = 1
    "k"       = 2
    "日本語"     = 3
    "e\u0301" = 4
  }
  s      = "héllo" # comment
  longer = "x"     # c
}
resource "aws_s3_bucket" "ünï" {}
