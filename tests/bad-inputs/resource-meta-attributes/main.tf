# Meta-argument blocks written as arguments reach the provider's schema,
# which does not expect them; values for read-only (computed-only)
# attributes are refused in the words of the provider's SDK. Text and
# ranges compared with Terraform 1.11 (terraform_data).
resource "terraform_data" "meta" {
  lifecycle   = 1
  provisioner = 1
  connection  = {}
  dynamic     = 1
}

resource "terraform_data" "read_only" {
  input  = 1
  output = 1
  id     = null
}

resource "random_string" "read_only" {
  length = 4
  result = "abcd"
}

# Provider blocks are checked by the validate walk too (required arguments
# are left to the plan).
provider "random" {
  foo = 1
}
