resource "aws_instance" "x" {
  ami    = var.ami
  name   = "${var.prefix}-web"
  count  = length(var.list)
  nested = lookup(var.map, "${var.key}")
  two    = "${var.a}${var.b}"
  tags = {
    Name = "${var.name}"
  }
  block {
    inner = var.inner
  }
  cond = var.a ? var.b : var.c
  multi = (var.a ?
  var.b : var.c)
}
