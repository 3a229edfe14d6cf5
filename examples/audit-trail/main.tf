data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  writers = length(var.writer_principals) > 0 ? var.writer_principals : [local.account]
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

resource "aws_kms_key" "audit" {
  description             = "${var.name}: the audit trail at rest (domain and snapshots)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "audit" {
  name          = "alias/${var.name}-audit"
  target_key_id = aws_kms_key.audit.key_id
}

# ---- The audit writer: appends records, never changes or deletes them -------

data "aws_iam_policy_document" "writer_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = local.writers
    }
  }
}

resource "aws_iam_role" "writer" {
  name               = "${var.name}-audit-writer"
  assume_role_policy = data.aws_iam_policy_document.writer_trust.json
}

data "aws_iam_policy_document" "writer" {
  statement {
    actions   = ["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpHead"]
    resources = ["${module.audit.domain_arn}/*"]
  }
}

resource "aws_iam_role_policy" "writer" {
  name   = "search-append"
  role   = aws_iam_role.writer.id
  policy = data.aws_iam_policy_document.writer.json
}

# ---- The domain, 7-year retention, strict monthly indices, locked snapshots -

resource "random_password" "master" {
  length           = 24
  min_upper        = 2
  min_lower        = 2
  min_numeric      = 2
  min_special      = 2
  override_special = "-_.!"
}

module "audit" {
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
  kms_key_arn          = aws_kms_key.audit.arn
  lock_mode            = "COMPLIANCE"
  allowed_principals   = [local.account, aws_iam_role.writer.arn]

  # An audit record has exactly these fields: anything else is refused.
  strict_mappings = true
  fields = {
    actor       = "keyword"
    actor_type  = "keyword"
    action      = "keyword"
    resource    = "keyword"
    outcome     = "keyword"
    source_ip   = "ip"
    request_id  = "keyword"
    tenant      = "keyword"
    record_hash = "keyword"
  }
}

# Fine-grained access: the writer creates documents (and the month's index
# when the first record arrives) in <name>-*; it cannot update, delete,
# close or re-map anything.
resource "opensearch_role" "writer" {
  role_name           = "${var.name}-audit-writer"
  description         = "Append-only writes to ${module.audit.index_pattern}"
  cluster_permissions = ["indices:data/write/bulk"]

  index_permissions {
    index_patterns  = [module.audit.index_pattern]
    allowed_actions = ["indices:data/write/index", "indices:data/write/bulk[s]", "indices:admin/create", "indices:admin/mapping/put"]
  }
}

# Auditors read everything, change nothing.
resource "opensearch_role" "auditor" {
  role_name           = "${var.name}-auditor"
  description         = "Read-only access to ${module.audit.index_pattern}"
  cluster_permissions = ["cluster_composite_ops_ro"]

  index_permissions {
    index_patterns  = [module.audit.index_pattern]
    allowed_actions = ["read", "indices_monitor"]
  }
}

# The writer's IAM role holds the append-only role: requests it signs are
# mapped to it as a backend role. Auditors are mapped the same way, by the
# role their identity provider gives them.
resource "opensearch_roles_mapping" "writer" {
  role_name     = opensearch_role.writer.role_name
  description   = "The audit shipper, through its IAM role"
  backend_roles = [aws_iam_role.writer.arn]
}
