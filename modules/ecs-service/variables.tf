variable "name" {
  type        = string
  description = "Name of the service: also its task definition family, log group (/ecs/<name>), security group and role."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (the service's name stays short in metrics and consoles)."
  }
}

variable "cluster_arn" {
  type        = string
  description = "ARN of the ECS cluster the service runs in (aws_ecs_cluster.<name>.arn)."

  validation {
    condition     = can(regex("^arn:[^:]+:ecs:[^:]*:[^:]*:cluster/.+$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)."
  }
}

variable "vpc_id" {
  type        = string
  description = "The VPC of the subnets (for the tasks' security group)."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets the tasks run in (usually the private ones)."

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids must name at least one subnet."
  }
}

variable "assign_public_ip" {
  type        = bool
  description = "Give each task a public address (needed in public subnets without NAT to pull images)."
  default     = false
}

variable "load_balancer_security_group_id" {
  type        = string
  description = "Security group of the load balancer: the tasks' security group lets it reach container_port."
}

variable "security_group_ids" {
  type        = list(string)
  description = "More security groups for the tasks, besides the module's own."
  default     = []
}

variable "target_group_arn" {
  type        = string
  description = "The target group (target_type ip, on container_port) the service's tasks register in, such as one of modules/alb's target_group_arns."

  validation {
    condition     = can(regex("^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:targetgroup/.+$", var.target_group_arn))
    error_message = "target_group_arn must be an Elastic Load Balancing target group ARN."
  }
}

variable "listener_arn" {
  type        = string
  description = "The listener that forwards to this service's target group: the service is created after it (ECS refuses a target group no load balancer uses). Null when none."
  default     = null
}

variable "image" {
  type        = string
  description = "Container image (registry/repository:tag or @sha256:digest). Changing it replaces the task definition and updates the service; re-applying the previous value rolls back."

  validation {
    condition     = length(trimspace(var.image)) > 0 && !can(regex("\\s", var.image))
    error_message = "image must be a non-empty image reference without spaces."
  }
}

variable "container_name" {
  type        = string
  description = "Name of the container in the task definition."
  default     = "app"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$", var.container_name))
    error_message = "container_name must be 1 to 255 letters, digits, hyphens or underscores."
  }
}

variable "container_port" {
  type        = number
  description = "Port the container listens on (the target group's port)."
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number from 1 to 65535."
  }
}

variable "cpu" {
  type        = number
  description = "Fargate CPU units of a task (256 = 1/4 vCPU)."
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be one of Fargate's sizes: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  type        = number
  description = "Memory of a task in MiB (Fargate allows 512 to 122880, by CPU size)."
  default     = 512

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880 && floor(var.memory) == var.memory
    error_message = "memory must be a whole number of MiB from 512 to 122880."
  }
}

variable "environment" {
  type        = map(string)
  description = "Environment variables of the container (not secrets: they are visible in the task definition)."
  default     = {}
}

variable "desired_count" {
  type        = number
  description = "Tasks to run (the minimum when autoscaling is set). After creation the count is left to scaling: the plan ignores changes to it."
  default     = 1

  validation {
    condition     = var.desired_count >= 0 && var.desired_count <= 1000 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number from 0 to 1000."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch Logs keeps the container's output."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' values (1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)."
  }
}

variable "execution_role_arn" {
  type        = string
  description = "Role ECS uses to pull the image and write the logs; null: the module makes one (<name>-execution) allowed exactly that."
  default     = null
}

variable "task_role_arn" {
  type        = string
  description = "Role the application's code runs as; null: none."
  default     = null
}

variable "autoscaling" {
  type = object({
    max_count  = number
    cpu_target = optional(number, 60)
  })
  description = "Scale from desired_count up to max_count on average CPU (target tracking); null: a fixed count."
  default     = null

  validation {
    condition     = var.autoscaling == null || try(var.autoscaling.max_count >= 1 && var.autoscaling.cpu_target > 0 && var.autoscaling.cpu_target <= 100, false)
    error_message = "autoscaling.max_count must be at least 1 and autoscaling.cpu_target from 1 to 100."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every object."
  default     = {}
}
