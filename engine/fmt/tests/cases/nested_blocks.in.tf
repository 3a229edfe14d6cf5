resource "aws_security_group" "sg" {
name = "sg"
ingress {
from_port = 80
to_port = 80
cidr_blocks = ["0.0.0.0/0"]
    nested {
        deeper {
  value = 1
        }
    }
}
   egress {
      from_port   =  0
   }
}
