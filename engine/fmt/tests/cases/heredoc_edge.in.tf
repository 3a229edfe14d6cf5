locals {
  a = join(",", [<<EOT
one
EOT
  , "two"])
  b = <<EOT
${ upper("x") } and %{ if true }yes%{ endif }
  EOT
  c = 1
  d = [
    <<-EOT
    inside list
    EOT
    ,
  ]
}
