variable "name" {
  type        = string
  description = "Identifier of the database instance, and the prefix of its subnet, parameter and security groups."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,46}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 2 to 48 lower-case letters, digits and hyphens, start with a letter, not end with a hyphen and have no two hyphens in a row (RDS identifier rules)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the database's security group."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the DB subnet group, in at least two availability zones."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must name at least two subnets (RDS requires two availability zones)."
  }
}

variable "allowed_security_group_ids" {
  type        = list(string)
  description = "Security groups (the application's) allowed to connect on the database port."
  default     = []
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL version, such as 16.3. Its major version picks the parameter group family (postgres16)."
  default     = "16.3"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL version such as 16.3."
  }
}

variable "instance_class" {
  type        = string
  description = "Instance class, such as db.t4g.micro."
  default     = "db.t4g.micro"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS instance class, starting with \"db.\"."
  }
}

variable "allocated_storage" {
  type        = number
  description = "Storage in GiB (ignored for a replica, which takes its source's)."
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536
    error_message = "allocated_storage must be from 20 to 65536 GiB."
  }
}

variable "db_name" {
  type        = string
  description = "Name of the database created on the instance (not for a replica)."
  default     = "app"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must be 1 to 63 letters, digits and underscores, starting with a letter."
  }
}

variable "username" {
  type        = string
  description = "Master user name (not for a replica)."
  default     = "app_admin"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.username)) && !contains(["postgres", "rdsadmin", "admin"], lower(var.username))
    error_message = "username must be 1 to 63 letters, digits and underscores, start with a letter, and not be a reserved name (postgres, rdsadmin, admin)."
  }
}

variable "password" {
  type        = string
  description = "Master password. Null (the default): RDS generates one and keeps it in Secrets Manager (manage_master_user_password); see the master_user_secret_arn output."
  default     = null
  sensitive   = true

  validation {
    condition     = var.password == null || try(length(var.password) >= 16 && length(var.password) <= 128 && !can(regex("[/@\" ]", var.password)), false)
    error_message = "password must be 16 to 128 characters without /, @, \" or spaces, or null to let RDS manage it in Secrets Manager."
  }
}

variable "backup_retention_period" {
  type        = number
  description = "Days of automated backups (1 to 35; a source of replicas needs at least 1)."
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 1 && var.backup_retention_period <= 35 && floor(var.backup_retention_period) == var.backup_retention_period
    error_message = "backup_retention_period must be a whole number of days from 1 to 35."
  }
}

variable "backup_window" {
  type        = string
  description = "Daily backup window in UTC (hh24:mi-hh24:mi), outside maintenance_window."
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must look like 03:00-04:00."
  }
}

variable "maintenance_window" {
  type        = string
  description = "Weekly maintenance window in UTC (ddd:hh24:mi-ddd:hh24:mi)."
  default     = "sun:05:00-sun:06:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:05:00-sun:06:00."
  }
}

variable "multi_az" {
  type        = bool
  description = "Keep a synchronous standby in a second zone."
  default     = false
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance (turn it off with an apply before a destroy)."
  default     = true
}

variable "skip_final_snapshot" {
  type        = bool
  description = "Delete without a final snapshot. When false, destroy leaves a snapshot named <name>-final."
  default     = false
}

variable "kms_key_id" {
  type        = string
  description = "KMS key ARN for storage encryption. Null: the account's aws/rds key. A cross-region replica of an encrypted source needs a key in its own region on AWS."
  default     = null
}

variable "parameters" {
  type        = map(string)
  description = "PostgreSQL parameters of the parameter group, merged over the module's (rds.force_ssl = 1, log_min_duration_statement = 1000)."
  default     = {}
}

variable "replicate_source_db" {
  type        = string
  description = "Make this instance a read replica of another: the source's identifier in the same region, or its ARN for a cross-region replica. Null: a primary."
  default     = null

  validation {
    condition     = var.replicate_source_db == null || try(length(var.replicate_source_db) > 0, false)
    error_message = "replicate_source_db must be an identifier or ARN, or null."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every object."
  default     = {}
}
