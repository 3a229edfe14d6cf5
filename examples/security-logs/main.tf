data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account  = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  analysts = length(var.analyst_principals) > 0 ? var.analyst_principals : [local.account]
}

# ---- Encryption: one customer managed key for the domain and the bucket ----

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Account"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.account]
    }
  }
  statement {
    sid       = "OpenSearchAndS3"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["es.amazonaws.com", "s3.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "${var.name}: security logs at rest (domain and snapshots)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${var.name}-logs"
  target_key_id = aws_kms_key.logs.key_id
}

# ---- The read-only analyst role ----------------------------------------------

data "aws_iam_policy_document" "analyst_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = local.analysts
    }
  }
}

resource "aws_iam_role" "analyst" {
  name               = "${var.name}-analyst"
  assume_role_policy = data.aws_iam_policy_document.analyst_trust.json
}

data "aws_iam_policy_document" "analyst" {
  statement {
    actions   = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"]
    resources = ["${module.logs.domain_arn}/*"]
  }
}

resource "aws_iam_role_policy" "analyst" {
  name   = "search-read"
  role   = aws_iam_role.analyst.id
  policy = data.aws_iam_policy_document.analyst.json
}

# ---- The domain, its tiers, retention, templates and locked snapshots -------

resource "random_password" "master" {
  length           = 24
  min_upper        = 2
  min_lower        = 2
  min_numeric      = 2
  min_special      = 2
  override_special = "-_.!"
}

module "logs" {
  source = "../../modules/logging"

  name                 = var.name
  instance_type        = var.instance_type
  instance_count       = var.instance_count
  availability_zones   = var.availability_zones
  master_type          = var.master_type
  warm_count           = var.warm_count
  cold_storage         = var.cold_storage
  volume_size          = var.volume_size
  hot_days             = var.hot_days
  warm_days            = var.warm_days
  retention_days       = var.retention_days
  master_user_password = random_password.master.result
  kms_key_arn          = aws_kms_key.logs.arn
  lock_mode            = "COMPLIANCE"
  allowed_principals   = [local.account, aws_iam_role.analyst.arn]
  fields = {
    action    = "keyword"
    outcome   = "keyword"
    source_ip = "ip"
    user      = "keyword"
    rule_id   = "keyword"
    severity  = "long"
  }
}

# Fine-grained access: analysts read the security indices and nothing else
# (no writes, no deletes, no cluster settings); the user names they see are
# hashed.
resource "opensearch_role" "analyst" {
  role_name           = "${var.name}-analyst"
  description         = "Read-only access to ${module.logs.index_pattern} for security analysts"
  cluster_permissions = ["cluster_composite_ops_ro"]

  index_permissions {
    index_patterns  = [module.logs.index_pattern]
    allowed_actions = ["read", "indices_monitor"]
    masked_fields   = ["user"]
  }
}

# The analysts' IAM role holds the OpenSearch role: requests it signs are
# mapped to it as a backend role.
resource "opensearch_roles_mapping" "analyst" {
  role_name     = opensearch_role.analyst.role_name
  description   = "Security analysts, through their IAM role"
  backend_roles = [aws_iam_role.analyst.arn]
}
