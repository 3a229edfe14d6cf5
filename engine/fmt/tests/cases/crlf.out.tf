resource "a" "b" {
  x   = 1
  yy  = 2 # c
  doc = <<EOT
hello
EOT
}
