resource "a" "b" {
	x	=	1
	list = [
		1,
	]
	doc = <<-EOT
		tabbed
	EOT
}
