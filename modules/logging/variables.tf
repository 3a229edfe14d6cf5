variable "name" {
  description = "The domain's name, and the prefix of its indices, policies and bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,27}$", var.name))
    error_message = "A domain name is 3 to 28 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "engine_version" {
  description = "OpenSearch_X.Y (or Elasticsearch_7.10, which serves ISM under _opendistro)."
  type        = string
  default     = "OpenSearch_2.11"
}

variable "instance_type" {
  description = "Hot data nodes."
  type        = string
  default     = "r6g.large.search"
}

variable "instance_count" {
  description = "Hot data nodes; a multiple of availability_zones."
  type        = number
  default     = 3
}

variable "availability_zones" {
  description = "Zones the nodes spread over (2 or 3); 1 turns zone awareness off."
  type        = number
  default     = 3

  validation {
    condition     = contains([1, 2, 3], var.availability_zones)
    error_message = "availability_zones is 1, 2 or 3."
  }
}

variable "master_type" {
  description = "The three dedicated master nodes (UltraWarm needs them)."
  type        = string
  default     = "m6g.large.search"
}

variable "warm_count" {
  description = "UltraWarm nodes; 0 keeps warm indices on the hot nodes (read-only, merged, fewer replicas)."
  type        = number
  default     = 2
}

variable "warm_type" {
  description = "UltraWarm node type."
  type        = string
  default     = "ultrawarm1.medium.search"
}

variable "cold_storage" {
  description = "Cold storage on S3 (needs UltraWarm); without it, cold indices are snapshotted and kept read-only."
  type        = bool
  default     = true
}

variable "volume_size" {
  description = "EBS GiB per hot node."
  type        = number
  default     = 100
}

variable "hot_days" {
  description = "Days an index stays hot (written and searched on the data nodes)."
  type        = number
  default     = 7
}

variable "warm_days" {
  description = "Days after creation an index moves on from warm to cold."
  type        = number
  default     = 30
}

variable "retention_days" {
  description = "Days after creation an index is deleted (7 years: 2555). Snapshots are locked as long."
  type        = number
  default     = 2555
}

variable "index_prefix" {
  description = "Indices are <index_prefix>-YYYY.MM (one per month); default: the name."
  type        = string
  default     = null
}

variable "shards" {
  description = "Primary shards of each monthly index."
  type        = number
  default     = 3
}

variable "replicas" {
  description = "Replicas of a hot index."
  type        = number
  default     = 1
}

variable "snapshot_bucket" {
  description = "The write-once snapshot bucket's name; default: <name>-snapshots-<account id>."
  type        = string
  default     = null
}

variable "snapshot_hour" {
  description = "UTC hour of the nightly snapshot."
  type        = number
  default     = 2
}

variable "master_user_name" {
  description = "The fine-grained access control master user."
  type        = string
  default     = "admin"
}

variable "master_user_password" {
  description = "Its password."
  type        = string
  sensitive   = true
}

variable "subnet_ids" {
  description = "Subnets for a VPC domain (one per zone); empty for a public endpoint."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of a VPC domain."
  type        = list(string)
  default     = []
}

variable "allowed_principals" {
  description = "IAM principals allowed to call the domain (the access policy)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every AWS object."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "A customer managed KMS key for the domain at rest and the snapshot bucket (SSE-KMS); default: the AWS managed keys."
  type        = string
  default     = null
}

variable "lock_mode" {
  description = "Object Lock mode of the snapshot bucket: COMPLIANCE (nobody can shorten it) or GOVERNANCE."
  type        = string
  default     = "COMPLIANCE"

  validation {
    condition     = contains(["COMPLIANCE", "GOVERNANCE"], var.lock_mode)
    error_message = "lock_mode is COMPLIANCE or GOVERNANCE."
  }
}

variable "strict_mappings" {
  description = "Refuse documents with fields the mappings do not name (dynamic = strict), instead of mapping new fields as they come."
  type        = bool
  default     = false
}

variable "fields" {
  description = "More top-level fields of the mappings, name => type (keyword, date, ip, long, boolean, text, ...)."
  type        = map(string)
  default     = {}
}
