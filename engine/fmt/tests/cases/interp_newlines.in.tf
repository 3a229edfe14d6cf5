locals {
  a = "foo ${
    var.bar
  } baz"
  b = "${var.x} ${
  var.y}"
  c = "${ {a = 1, b = 2}["a"] }"
}
