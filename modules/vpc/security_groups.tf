# Two starting security groups: "web" for load balancers and public
# endpoints (HTTP and HTTPS from web_ingress_cidrs), and "internal" for
# everything behind them (any traffic from members of either group).
# Rules are inline, like the routes, so the groups' state holds them from
# the start. Inline rules are authoritative: a rule added to these groups
# by hand or by an aws_vpc_security_group_*_rule elsewhere is drift, and
# the next apply removes it. For other rules, make your own groups.

resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "HTTP and HTTPS from the allowed ranges"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.web_ingress_cidrs
  }

  ingress {
    description = "HTTP (redirect to HTTPS)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = var.web_ingress_cidrs
  }

  egress {
    description = "Anywhere"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-web" })
}

resource "aws_security_group" "internal" {
  name        = "${var.name}-internal"
  description = "Any traffic from members of this group and of the web group"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "Members of this group"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }

  ingress {
    description     = "The web tier"
    from_port       = 0
    to_port         = 0
    protocol        = "-1"
    security_groups = [aws_security_group.web.id]
  }

  egress {
    description = "Anywhere"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-internal" })
}
