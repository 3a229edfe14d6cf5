# Applied twice by Terraform (see ../README.md): the second apply, with the
# file `fail` present, replaces `cbd` and `tainted` and their provisioners
# fail, leaving a tainted object and a deposed one.
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "terraform_data" "values" {
  input = {
    ctl   = "x\u0008y\u000cz\u0001\t\n"
    big   = 1e21
    small = 0.1
    neg   = -3
    set   = toset(["b", "a"])
    map   = tomap({ z = 1, a = 2 })
    empty = {}
    none  = []
    part  = [1, var.pw]
  }
}
resource "terraform_data" "many" {
  count = 11
  input = count.index
}
resource "terraform_data" "keys" {
  for_each = toset(["a b", "q\"uote", "10", "9"])
  input    = each.key
}
resource "terraform_data" "cbd" {
  input            = var.pw
  triggers_replace = [fileexists("${path.module}/fail")]
  lifecycle {
    create_before_destroy = true
  }
  provisioner "local-exec" {
    command = "test ! -e fail"
  }
}
resource "terraform_data" "tainted" {
  input            = "t"
  triggers_replace = [fileexists("${path.module}/fail")]
  provisioner "local-exec" {
    command = "test ! -e fail"
  }
}
module "child" {
  source = "./child"
  count  = 2
  n      = count.index
}
output "nested" {
  value     = { a = [1, var.pw], b = null }
  sensitive = true
}
output "nothing" {
  value = null
}
output "values" {
  value = terraform_data.values.output
}
