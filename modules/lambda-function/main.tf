data "archive_file" "code" {
  type             = "zip"
  source_dir       = var.source_dir
  excludes         = ["**/*.pyc", "**/__pycache__"]
  output_path      = "${path.root}/build/${var.name}.zip"
  output_file_mode = "0644"
}

resource "aws_iam_role" "function" {
  name = "${var.name}-fn"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  tags = var.tags
}

# The log group is declared (not left to Lambda to create on the first
# run) so that it has a retention and is destroyed with the function.
resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# The function may write to its own log group and nothing else.
resource "aws_iam_role_policy" "logs" {
  name = "logs"
  role = aws_iam_role.function.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.function.arn}:*"
    }]
  })
}

resource "aws_iam_role_policy" "extra" {
  for_each = var.policies

  name   = each.key
  role   = aws_iam_role.function.id
  policy = each.value
}

resource "aws_sqs_queue" "dlq" {
  count = var.dead_letter_queue ? 1 : 0

  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_iam_role_policy" "dlq" {
  count = var.dead_letter_queue ? 1 : 0

  name = "dead-letter"
  role = aws_iam_role.function.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = aws_sqs_queue.dlq[0].arn }]
  })
}

resource "aws_lambda_function" "function" {
  function_name    = var.name
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  handler          = var.handler
  runtime          = var.runtime
  memory_size      = var.memory_size
  timeout          = var.timeout

  dynamic "environment" {
    for_each = length(var.environment) > 0 ? [var.environment] : []
    content {
      variables = environment.value
    }
  }

  dynamic "dead_letter_config" {
    for_each = aws_sqs_queue.dlq
    content {
      target_arn = dead_letter_config.value.arn
    }
  }

  tags = var.tags

  # The policies first: a function that runs before its role may write
  # logs or reach its queue would fail.
  depends_on = [aws_iam_role_policy.logs, aws_iam_role_policy.extra, aws_iam_role_policy.dlq]
}
