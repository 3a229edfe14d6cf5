variable "name" {
  description = "Function name; also names its role, its log group (/aws/lambda/<name>) and its dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,60}$", var.name))
    error_message = "name must be 1 to 60 letters, digits, hyphens or underscores (the role name adds a suffix; IAM allows 64)."
  }
}

variable "source_dir" {
  description = "Directory zipped as the function's code (archive_file); *.pyc and __pycache__ are left out."
  type        = string
}

variable "handler" {
  type    = string
  default = "index.handler"
}

variable "runtime" {
  type    = string
  default = "python3.12"

  validation {
    condition     = can(regex("^(python3\\.(9|1[0-3])|nodejs(18|20|22)\\.x)$", var.runtime))
    error_message = "runtime must be a supported Python 3 (3.9 to 3.13) or Node.js (18, 20, 22) runtime."
  }
}

variable "memory_size" {
  description = "Memory in MB (128 to 10240)."
  type        = number
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be from 128 to 10240 MB."
  }
}

variable "timeout" {
  description = "Seconds a run may take (1 to 900)."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be from 1 to 900 seconds."
  }
}

variable "environment" {
  description = "Environment variables for the function."
  type        = map(string)
  default     = {}
}

variable "policies" {
  description = "Inline IAM policy documents (JSON) for the function's role, by a fixed name each (the keys must be known when planning; the documents may come from other resources)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  type    = number
  default = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "dead_letter_queue" {
  description = "Give the function an SQS dead-letter queue (<name>-dlq) for asynchronous invocations that fail every retry."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
