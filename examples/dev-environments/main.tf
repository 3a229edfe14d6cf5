# One stack per developer: `strata workspace new alice && strata apply`.
# Everything is named after the workspace and tagged with it as owner, is
# pay-per-use, and goes away with `strata destroy` (the bucket even when it
# holds files); scripts/destroy-all.sh destroys every developer's stack.
locals {
  prefix = "${var.name}-${terraform.workspace}"
}

resource "aws_s3_bucket" "scratch" {
  bucket        = "${local.prefix}-scratch"
  force_destroy = true

  lifecycle {
    precondition {
      condition     = can(regex("^[a-z][a-z0-9-]{0,14}$", terraform.workspace))
      error_message = "Name the workspace after its developer: up to 15 lowercase letters, digits or hyphens (it is part of bucket and function names)."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "scratch" {
  bucket                  = aws_s3_bucket.scratch.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_dynamodb_table" "results" {
  name         = "${local.prefix}-results"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }
}

module "jobs" {
  source = "../../modules/queue"

  name                       = "${local.prefix}-jobs"
  visibility_timeout_seconds = 60
  max_receive_count          = 3
}

module "worker" {
  source = "../../modules/lambda-function"

  name               = "${local.prefix}-worker"
  source_dir         = "${path.module}/src"
  timeout            = 10
  log_retention_days = var.log_retention_days
  environment = {
    TABLE_NAME = aws_dynamodb_table.results.name
    OWNER      = terraform.workspace
  }

  policies = {
    work = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "TakeJobs"
          Effect   = "Allow"
          Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
          Resource = module.jobs.arn
        },
        {
          Sid      = "StoreResults"
          Effect   = "Allow"
          Action   = "dynamodb:PutItem"
          Resource = aws_dynamodb_table.results.arn
        },
      ]
    })
  }
}

# Off by default, so that jobs sent while trying things out wait in the
# queue until the developer turns the worker on (`-var worker_enabled=true`).
resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = module.jobs.arn
  function_name    = module.worker.function_name
  batch_size       = 5
  enabled          = var.worker_enabled
}
