variable "ports" {
  default = [80, 443]
}
resource "aws_security_group" "web" {
  name = "web-${var.envv}"
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
      to_port   = ingress.vaule
    }
  }
}
resource "aws_instance" "a" {
  count = 2
  tags  = { Name = "a-${count.index}", Sg = aws_security_group.web.id, Bad = aws_security_group.nope.id }
}
