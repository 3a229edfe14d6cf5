# Arguments checked against the provider's schema, as `terraform validate`
# reports them (text and ranges compared with Terraform 1.11).
resource "terraform_data" "unknown_arg" {
  inptu = 1
}

resource "terraform_data" "block_for_attr" {
  input {
    x = 1
  }
}

resource "random_string" "missing" {
  special = true
}

resource "random_string" "wrong_type" {
  length  = 8
  special = {}
}

resource "random_integer" "counted" {
  count = 2
  min   = count.index
}

resource "terraform_dta" "typo" {
}

resource "terraform_data" "not_a_number" {
  count = "abc"
}
