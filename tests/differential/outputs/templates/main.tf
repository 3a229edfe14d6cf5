locals {
  names = ["api", "worker"]
  m     = { b = 2, a = 1 }
}
output "t01" {
  value = <<-EOT
    %{~for name in local.names~}
    ${name}: x
    %{~endfor~}
  EOT
}
output "t02" {
  value = <<-EOT
    %{for name in local.names~}
    ${name}
    %{endfor~}
  EOT
}
output "t03" {
  value = <<-EOT
    header
      %{~ if true ~}
      yes
      %{~ else ~}
      no
      %{~ endif ~}
    footer
  EOT
}
output "t04" {
  value = <<EOT
  a ${"b"} c
    %{ for k, v in local.m }${k}=${v}
    %{ endfor }
EOT
}
output "t05" {
  value = <<-EOT
        deep
      shallow

      after-blank
    EOT
}
output "t06" {
  value = <<-EOT
    $${literal} %%{directive}
    \n stays
  EOT
}
output "t07" {
  value = "a  ${~ "b" ~}  c %{ if false }x%{ else ~}  y  %{~ endif } d"
}
output "t08" {
  value = <<-EOT
  %{ for n in local.names }
    - ${n}
  %{ endfor }
  EOT
}
output "t09" {
  value = <<-EOT
	tabbed
	  more
	EOT
}
output "t10" {
  value = "%{ for i, n in local.names }${i}:${n}%{ if i < length(local.names) - 1 }, %{ endif }%{ endfor }"
}
output "t11" {
  value = templatefile("${path.module}/tpl/user_data.tftpl", { services = local.names, env = "prod" })
}
output "t12" {
  value = templatefile("${path.module}/tpl/user_data.tftpl", { services = [], env = "dev" })
}
