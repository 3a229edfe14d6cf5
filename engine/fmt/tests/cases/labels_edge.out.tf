resource "a\"b" "c\\d" {}
resource "日本" "x" {}
resource "c" {}
resource "" "x" {}
resource "tab\there" "x" {}
