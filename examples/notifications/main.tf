# Events written here are streamed (new images) to the function.
resource "aws_dynamodb_table" "events" {
  name             = "${var.name}-events"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"

  attribute {
    name = "id"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }
}

# Subscribers (email, SQS, HTTPS, ...) subscribe to this topic.
resource "aws_sns_topic" "notifications" {
  name              = "${var.name}-notifications"
  kms_master_key_id = "alias/aws/sns"
}

# Records of a batch that failed every retry (or grew too old) land here,
# as a description of the batch (shard, sequence numbers) to replay.
resource "aws_sqs_queue" "failed" {
  name                      = "${var.name}-failed"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

module "notify" {
  source = "../../modules/lambda-function"

  name               = "${var.name}-notify"
  source_dir         = "${path.module}/src"
  memory_size        = var.memory_size
  timeout            = 30
  log_retention_days = var.log_retention_days
  environment        = { TOPIC_ARN = aws_sns_topic.notifications.arn }

  policies = {
    stream = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
          Resource = aws_dynamodb_table.events.stream_arn
        },
        {
          Sid      = "Publish"
          Effect   = "Allow"
          Action   = "sns:Publish"
          Resource = aws_sns_topic.notifications.arn
        },
        {
          Sid      = "ReportFailures"
          Effect   = "Allow"
          Action   = "sqs:SendMessage"
          Resource = aws_sqs_queue.failed.arn
        },
      ]
    })
  }
}

resource "aws_lambda_event_source_mapping" "events" {
  event_source_arn  = aws_dynamodb_table.events.stream_arn
  function_name     = module.notify.function_name
  starting_position = "LATEST"
  batch_size        = var.batch_size

  maximum_retry_attempts         = var.maximum_retry_attempts
  maximum_record_age_in_seconds  = var.maximum_record_age_in_seconds
  bisect_batch_on_function_error = true

  # Only inserts notify; updates and deletes never start the function.
  filter_criteria {
    filter {
      pattern = jsonencode({ eventName = ["INSERT"] })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failed.arn
    }
  }
}
