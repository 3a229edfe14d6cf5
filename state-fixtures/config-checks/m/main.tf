variable "v" {
  validation {
    condition     = length(var.v) > 0
    error_message = "empty"
  }
}
resource "terraform_data" "a" {
  for_each = toset(["k\"q", "b"])
  input    = var.v
  lifecycle {
    postcondition {
      condition     = self.output != "z"
      error_message = "bad"
    }
  }
}
output "o" {
  value = var.v
  precondition {
    condition     = var.v != ""
    error_message = "never"
  }
}
check "c" {
  assert {
    condition     = var.v == "y"
    error_message = "v is not y"
  }
  assert {
    condition     = var.v == "z"
    error_message = "a v is not z"
  }
}
