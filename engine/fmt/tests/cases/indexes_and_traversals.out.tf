locals {
  a = var.list[0]
  b = var.map["key"]
  c = var.list[length(var.list) - 1]
  d = aws_instance.web[count.index].id
  e = local.foo.bar.baz
  f = var.x.0.y
  g = [1, 2, 3][1]
  h = { a = 1 }["a"]
  i = var.list[*]
  j = data.aws_iam_policy_document.x.json
}
