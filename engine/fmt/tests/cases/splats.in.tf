output "ids" {
  value = aws_instance.web[*].id
}
output "legacy" {
  value = aws_instance.web.*.id
}
output "index" {
  value = aws_instance.web [ 0 ] . id
}
output "nested" {
  value = var.list [ count.index ] [ "key" ]
}
output "full" {
  value = [ for i in aws_instance.web : i.id ][ 0 ]
}
output "attr_idx" {
  value = module.x.outputs [ "name" ]
}
