data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  prefix     = coalesce(var.index_prefix, var.name)
  bucket     = coalesce(var.snapshot_bucket, "${var.name}-snapshots-${data.aws_caller_identity.current.account_id}")
  ultrawarm  = var.warm_count > 0
  cold       = local.ultrawarm && var.cold_storage
  zone_aware = var.availability_zones > 1
  domain_arn = "arn:${data.aws_partition.current.partition}:es:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:domain/${var.name}"
  repository = "${var.name}-worm"
  principals = length(var.allowed_principals) > 0 ? var.allowed_principals : ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
}

# ---- The write-once snapshot bucket ------------------------------------------
# Object Lock protects every version for retention_days; a snapshot delete
# only adds a delete marker, so snapshots are kept (and paid for) that long.
# COMPLIANCE: nobody, root included, shortens or removes the lock;
# GOVERNANCE: who has s3:BypassGovernanceRetention can.

resource "aws_s3_bucket" "snapshots" {
  bucket              = local.bucket
  object_lock_enabled = true
  tags                = var.tags
}

resource "aws_s3_bucket_versioning" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    default_retention {
      mode = var.lock_mode
      days = var.retention_days
    }
  }
  depends_on = [aws_s3_bucket_versioning.snapshots]
}

resource "aws_s3_bucket_public_access_block" "snapshots" {
  bucket                  = aws_s3_bucket.snapshots.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null ? true : null
  }
}

# The role the domain assumes to write snapshots into the bucket.
data "aws_iam_policy_document" "snapshot_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["es.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "snapshots" {
  name               = "${var.name}-snapshots"
  assume_role_policy = data.aws_iam_policy_document.snapshot_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "snapshot_access" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.snapshots.arn]
  }
  statement {
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.snapshots.arn}/*"]
  }
}

resource "aws_iam_role_policy" "snapshots" {
  name   = "snapshots"
  role   = aws_iam_role.snapshots.id
  policy = data.aws_iam_policy_document.snapshot_access.json
}

# ---- The domain: hot nodes, UltraWarm, cold storage -------------------------

data "aws_iam_policy_document" "access" {
  statement {
    actions   = ["es:ESHttp*"]
    resources = ["${local.domain_arn}/*"]
    principals {
      type        = "AWS"
      identifiers = local.principals
    }
  }
}

resource "aws_opensearch_domain" "this" {
  domain_name    = var.name
  engine_version = var.engine_version

  cluster_config {
    instance_type            = var.instance_type
    instance_count           = var.instance_count
    dedicated_master_enabled = true
    dedicated_master_type    = var.master_type
    dedicated_master_count   = 3
    zone_awareness_enabled   = local.zone_aware
    dynamic "zone_awareness_config" {
      for_each = local.zone_aware ? [1] : []
      content {
        availability_zone_count = var.availability_zones
      }
    }
    warm_enabled = local.ultrawarm
    warm_type    = local.ultrawarm ? var.warm_type : null
    warm_count   = local.ultrawarm ? var.warm_count : null
    cold_storage_options {
      enabled = local.cold
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = var.volume_size
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = var.kms_key_arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }

  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = true
    master_user_options {
      master_user_name     = var.master_user_name
      master_user_password = var.master_user_password
    }
  }

  snapshot_options {
    automated_snapshot_start_hour = var.snapshot_hour
  }

  dynamic "vpc_options" {
    for_each = length(var.subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  access_policies = data.aws_iam_policy_document.access.json
  tags            = var.tags

  lifecycle {
    precondition {
      condition     = var.instance_count % var.availability_zones == 0
      error_message = "instance_count must be a multiple of availability_zones, so every zone holds a copy."
    }
    precondition {
      condition     = !var.cold_storage || local.ultrawarm
      error_message = "Cold storage needs UltraWarm: set warm_count > 0 or cold_storage = false."
    }
  }
}
