variable "name" {
  type        = string
  description = "Name of the service: the roles are <name>-execution and <name>-task."

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,49}$", var.name))
    error_message = "name must be 1 to 50 letters, digits and hyphens, starting with a letter (IAM role names are at most 64 characters)."
  }
}

variable "log_group_arns" {
  type        = list(string)
  description = "CloudWatch log groups the execution role may create streams in and write to (the task definition's awslogs groups)."
  default     = []

  validation {
    condition     = alltrue([for a in var.log_group_arns : startswith(a, "arn:")])
    error_message = "log_group_arns must be ARNs."
  }
}

variable "secret_arns" {
  type        = list(string)
  description = "Secrets Manager secrets the execution role may read, to inject them into containers (the task definition's `secrets`)."
  default     = []

  validation {
    condition     = alltrue([for a in var.secret_arns : startswith(a, "arn:")])
    error_message = "secret_arns must be ARNs."
  }
}

variable "ecr_repository_arns" {
  type        = list(string)
  description = "ECR repositories the execution role may pull images from. Empty: images come from a public registry and no ECR access is granted."
  default     = []

  validation {
    condition     = alltrue([for a in var.ecr_repository_arns : startswith(a, "arn:")])
    error_message = "ecr_repository_arns must be ARNs."
  }
}

variable "task_statements" {
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  description = "What the application itself may do: one Allow statement each, on the task role. Empty: the task role has no policy."
  default     = []

  validation {
    condition     = alltrue([for s in var.task_statements : can(regex("^[A-Za-z0-9]+$", s.sid)) && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "each task statement needs an alphanumeric sid and at least one action and one resource."
  }

  validation {
    condition     = alltrue([for s in var.task_statements : !contains(s.actions, "*")])
    error_message = "task statements must name their actions; \"*\" is not least privilege."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for both roles."
  default     = {}
}
