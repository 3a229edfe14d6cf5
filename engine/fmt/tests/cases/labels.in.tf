resource aws_instance web {
  ami = "x"
}
resource "a" /* comment */ "b" {
}
provider aws {
  region = "us-east-1"
}
module "vpc"{
  source = "./vpc"
}
data "a" "b"{}
