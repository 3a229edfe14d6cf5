resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t2.micro"
  count         = 2
  subnet_id     = var.subnet

  tags_all      = {}
  monitoring    = true
  ebs_optimized = false
}
a      = 1
bbbbbb = 2
cc     = 3
