resource "a" "b" {
  user_data = <<EOF2
#!/bin/bash
    echo "hello ${var.name}"
  echo done
EOF2
    policy = <<-POLICY
      {
        "Version": "2012-10-17",
        "x": "${ var.y }"
      }
    POLICY
  after = 1
  script = <<EOT
%{ for x in var.list ~}
item ${x}
%{ endfor ~}
EOT
}
locals {
        nested = {
  doc = <<EOT
    keep   spacing
EOT
  }
}
