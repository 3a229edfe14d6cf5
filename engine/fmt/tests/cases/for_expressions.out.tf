locals {
  upper         = [for s in var.list : upper(s)]
  cond          = [for s in var.list : s if s != ""]
  obj           = { for k, v in var.map : k => v }
  grouped       = { for k, v in var.map : v => k... }
  literal_tuple = [for x in [1, 2, 3] : x * 2]
  multi = {
    for k, v in var.map :
    k => v
    if v != null
  }
  idx = [for i, x in var.list : "${i}=${x}"]
}
