locals {
  bucket = "${var.name}-documents"
}

# The documents: versioned, encrypted with S3-managed keys, never public,
# old versions expired after noncurrent_version_days.
resource "aws_s3_bucket" "documents" {
  bucket = local.bucket
}

resource "aws_s3_bucket_versioning" "documents" {
  bucket = aws_s3_bucket.documents.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "documents" {
  bucket = aws_s3_bucket.documents.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "documents" {
  bucket                  = aws_s3_bucket.documents.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "documents" {
  bucket = aws_s3_bucket.documents.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.documents]
}

# What the function records: one item per uploaded document version.
resource "aws_dynamodb_table" "documents" {
  name         = "${var.name}-documents"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "document_id"
  range_key    = "version_id"

  attribute {
    name = "document_id"
    type = "S"
  }

  attribute {
    name = "version_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled = true
  }
}

module "ingest" {
  source = "../../modules/lambda-function"

  name               = "${var.name}-ingest"
  source_dir         = "${path.module}/src"
  memory_size        = var.memory_size
  timeout            = 30
  log_retention_days = var.log_retention_days
  environment        = { TABLE_NAME = aws_dynamodb_table.documents.name }

  # Least privilege: read the uploads, write items to this one table.
  policies = {
    documents = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadUploads"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion"]
          Resource = "${aws_s3_bucket.documents.arn}/${var.incoming_prefix}*"
        },
        {
          Sid      = "WriteTable"
          Effect   = "Allow"
          Action   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
          Resource = aws_dynamodb_table.documents.arn
        },
      ]
    })
  }
}

# S3 may invoke the function for this bucket (from this account) only.
resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3Invoke"
  action         = "lambda:InvokeFunction"
  function_name  = module.ingest.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.documents.arn
  source_account = data.aws_caller_identity.current.account_id
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket_notification" "documents" {
  bucket = aws_s3_bucket.documents.id

  lambda_function {
    lambda_function_arn = module.ingest.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.incoming_prefix
  }

  depends_on = [aws_lambda_permission.s3]
}
