data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  daily   = sort([for s, v in var.streams : s if v.daily])
}

# ---- The domain: hot and warm tiers, a year of retention ---------------------

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
  cold_storage         = false
  volume_size          = var.volume_size
  hot_days             = var.hot_days
  warm_days            = var.warm_days
  retention_days       = var.retention_days
  shards               = 1
  master_user_password = random_password.master.result
  # Application logs, not evidence: a snapshot may be removed early by
  # whoever holds s3:BypassGovernanceRetention.
  lock_mode          = "GOVERNANCE"
  allowed_principals = [local.account, aws_iam_role.shipper.arn]
  fields = {
    status      = "short"
    method      = "keyword"
    path        = "keyword"
    duration_ms = "float"
  }
}

# The high-volume streams roll over daily: the module's settings and
# mappings, over a narrower pattern and a higher priority than its monthly
# template. ISM manages them like every other <name>-* index.
resource "opensearch_composable_index_template" "daily" {
  for_each = toset(local.daily)

  name = "${var.name}-${each.key}-daily"
  body = jsonencode({
    index_patterns = ["${var.name}-${each.key}-*"]
    priority       = 300
    composed_of    = module.logs.component_templates
    template = {
      settings = { number_of_shards = 2 }
      aliases  = { "${var.name}-${each.key}" = {} }
    }
  })
}

# ---- The log groups and their subscriptions ----------------------------------

resource "aws_cloudwatch_log_group" "stream" {
  for_each = var.streams

  name              = "/${var.name}/${each.key}"
  retention_in_days = var.cloudwatch_retention_days
}

resource "aws_cloudwatch_log_subscription_filter" "ship" {
  for_each = var.streams

  name            = "${var.name}-to-opensearch"
  log_group_name  = aws_cloudwatch_log_group.stream[each.key].name
  filter_pattern  = each.value.filter_pattern
  destination_arn = aws_lambda_function.shipper.arn
  distribution    = "ByLogStream"

  depends_on = [aws_lambda_permission.logs]
}

# ---- The shipper: a function CloudWatch Logs invokes with each batch ---------

data "aws_iam_policy_document" "shipper_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "shipper" {
  name               = "${var.name}-shipper"
  assume_role_policy = data.aws_iam_policy_document.shipper_trust.json
}

data "aws_iam_policy_document" "shipper" {
  statement {
    sid       = "Bulk"
    actions   = ["es:ESHttpPost", "es:ESHttpPut"]
    resources = ["${module.logs.domain_arn}/*"]
  }
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.shipper.arn}:*"]
  }
}

resource "aws_iam_role_policy" "shipper" {
  name   = "ship"
  role   = aws_iam_role.shipper.id
  policy = data.aws_iam_policy_document.shipper.json
}

# The shipper's own logs are not shipped (no loop).
resource "aws_cloudwatch_log_group" "shipper" {
  name              = "/aws/lambda/${var.name}-shipper"
  retention_in_days = 14
}

data "archive_file" "shipper" {
  type             = "zip"
  source_dir       = "${path.module}/shipper"
  excludes         = ["**/*.pyc", "**/__pycache__/**"]
  output_path      = "${path.module}/build/shipper.zip"
  output_file_mode = "0644"
}

resource "aws_lambda_function" "shipper" {
  function_name    = "${var.name}-shipper"
  role             = aws_iam_role.shipper.arn
  filename         = data.archive_file.shipper.output_path
  source_code_hash = data.archive_file.shipper.output_base64sha256
  handler          = "index.handler"
  runtime          = "python3.12"
  memory_size      = var.shipper_memory
  timeout          = 60

  environment {
    variables = {
      OPENSEARCH_ENDPOINT = "https://${module.logs.endpoint}"
      INDEX_PREFIX        = var.name
      DAILY_STREAMS       = join(",", local.daily)
      SIGN_REQUESTS       = "true"
    }
  }

  depends_on = [aws_iam_role_policy.shipper, aws_cloudwatch_log_group.shipper]
}

resource "aws_lambda_permission" "logs" {
  for_each = var.streams

  statement_id  = "logs-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.shipper.function_name
  principal     = "logs.amazonaws.com"
  source_arn    = "${aws_cloudwatch_log_group.stream[each.key].arn}:*"
}

# Analysts read every stream.
resource "opensearch_role" "reader" {
  role_name           = "${var.name}-reader"
  description         = "Read-only access to ${module.logs.index_pattern}"
  cluster_permissions = ["cluster_composite_ops_ro"]

  index_permissions {
    index_patterns  = [module.logs.index_pattern]
    allowed_actions = ["read", "indices_monitor"]
  }
}

# The shipper writes the streams' indices and nothing else; requests its
# IAM role signs are mapped to this role as a backend role.
resource "opensearch_role" "shipper" {
  role_name           = "${var.name}-shipper"
  description         = "Bulk writes to ${module.logs.index_pattern}"
  cluster_permissions = ["indices:data/write/bulk"]

  index_permissions {
    index_patterns  = [module.logs.index_pattern]
    allowed_actions = ["crud", "create_index"]
  }
}

resource "opensearch_roles_mapping" "shipper" {
  role_name     = opensearch_role.shipper.role_name
  description   = "The log shipper, through its IAM role"
  backend_roles = [aws_iam_role.shipper.arn]
}
