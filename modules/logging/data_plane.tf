# What lives inside the domain, through the opensearch provider the caller
# configures with this module's endpoint output.

locals {
  warm_actions = local.ultrawarm ? [{ warm_migration = {} }] : [
    { read_only = {} },
    { force_merge = { max_num_segments = 1 } },
    { replica_count = { number_of_replicas = 1 } },
  ]
  cold_actions = local.cold ? [{ cold_migration = { timestamp_field = "@timestamp" } }] : [
    { snapshot = { repository = opensearch_snapshot_repository.worm.name, snapshot = "${local.prefix}-cold" } },
  ]
  delete_actions = local.cold ? [{ cold_delete = {} }] : [{ delete = {} }]
}

resource "opensearch_snapshot_repository" "worm" {
  name = local.repository
  type = "s3"
  settings = {
    bucket                 = aws_s3_bucket.snapshots.bucket
    region                 = data.aws_region.current.region
    role_arn               = aws_iam_role.snapshots.arn
    base_path              = var.name
    server_side_encryption = "true"
  }
  depends_on = [aws_iam_role_policy.snapshots, aws_s3_bucket_object_lock_configuration.snapshots]
}

resource "opensearch_ism_policy" "retention" {
  policy_id              = "${local.prefix}-retention"
  update_managed_indices = true
  body = jsonencode({
    policy = {
      description   = "${local.prefix}: hot ${var.hot_days} days, warm until day ${var.warm_days}, cold until day ${var.retention_days}, then deleted"
      default_state = "hot"
      states = [
        {
          name        = "hot"
          actions     = [{ index_priority = { priority = 100 } }]
          transitions = [{ state_name = "warm", conditions = { min_index_age = "${var.hot_days}d" } }]
        },
        {
          name        = "warm"
          actions     = concat(local.warm_actions, [{ index_priority = { priority = 50 } }])
          transitions = [{ state_name = "cold", conditions = { min_index_age = "${var.warm_days}d" } }]
        },
        {
          name        = "cold"
          actions     = local.cold_actions
          transitions = [{ state_name = "delete", conditions = { min_index_age = "${var.retention_days}d" } }]
        },
        {
          name        = "delete"
          actions     = local.delete_actions
          transitions = []
        },
      ]
      ism_template = [{ index_patterns = ["${local.prefix}-*"], priority = 100 }]
    }
  })

  lifecycle {
    precondition {
      condition     = var.hot_days < var.warm_days && var.warm_days < var.retention_days
      error_message = "The tiers run in order: hot_days < warm_days < retention_days."
    }
  }
}

resource "opensearch_component_template" "settings" {
  name = "${local.prefix}-settings"
  body = jsonencode({
    template = {
      settings = {
        number_of_shards   = var.shards
        number_of_replicas = var.replicas
        refresh_interval   = "5s"
        codec              = "best_compression"
      }
    }
  })
}

resource "opensearch_component_template" "mappings" {
  name = "${local.prefix}-mappings"
  body = jsonencode({
    template = {
      mappings = {
        # true (a boolean) or "strict": jsondecode keeps the two types apart.
        dynamic = jsondecode(var.strict_mappings ? "\"strict\"" : "true")
        properties = merge({
          "@timestamp" = { type = "date" }
          message      = { type = "text" }
          level        = { type = "keyword" }
          service      = { type = "keyword" }
          trace_id     = { type = "keyword" }
          host         = { properties = { name = { type = "keyword" } } }
        }, { for field, type in var.fields : field => { type = type } })
      }
    }
  })
}

# One index per month (<prefix>-2026.12), each attached to the retention
# policy by its ism_template when it is created.
resource "opensearch_composable_index_template" "monthly" {
  name = "${local.prefix}-monthly"
  body = jsonencode({
    index_patterns = ["${local.prefix}-*"]
    priority       = 200
    composed_of    = [opensearch_component_template.settings.name, opensearch_component_template.mappings.name]
    template       = { aliases = { (local.prefix) = {} } }
  })
}

# Nightly snapshots into the write-once bucket, kept as long as the lock.
resource "opensearch_sm_policy" "nightly" {
  policy_name = "${local.prefix}-nightly"
  body = jsonencode({
    description = "nightly snapshots of ${local.prefix}-*, kept ${var.retention_days} days"
    creation = {
      schedule = { cron = { expression = "0 ${var.snapshot_hour} * * *", timezone = "UTC" } }
    }
    deletion = {
      schedule  = { cron = { expression = "0 ${(var.snapshot_hour + 1) % 24} * * *", timezone = "UTC" } }
      condition = { max_age = "${var.retention_days}d", min_count = 7 }
    }
    snapshot_config = {
      repository = opensearch_snapshot_repository.worm.name
      indices    = "${local.prefix}-*"
    }
  })
}
