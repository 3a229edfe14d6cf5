# Accepted webhooks wait here for the consumers; a message that fails
# five receives moves to the dead-letter queue.
module "queue" {
  source = "../../modules/queue"

  name                       = "${var.name}-webhooks"
  visibility_timeout_seconds = 60
  max_receive_count          = 5
}

module "receiver" {
  source = "../../modules/lambda-function"

  name               = "${var.name}-receiver"
  source_dir         = "${path.module}/src"
  memory_size        = var.memory_size
  timeout            = 10
  log_retention_days = var.log_retention_days
  environment        = { QUEUE_URL = module.queue.url }

  policies = {
    queue = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Sid = "Enqueue", Effect = "Allow", Action = "sqs:SendMessage", Resource = module.queue.arn }]
    })
  }
}

# POST /webhooks, with an API key, proxied to the function.
resource "aws_api_gateway_rest_api" "webhooks" {
  name           = "${var.name}-webhooks"
  description    = "Webhook intake for ${var.name} (${var.environment})"
  api_key_source = "HEADER"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "webhooks" {
  rest_api_id = aws_api_gateway_rest_api.webhooks.id
  parent_id   = aws_api_gateway_rest_api.webhooks.root_resource_id
  path_part   = "webhooks"
}

resource "aws_api_gateway_method" "post" {
  rest_api_id      = aws_api_gateway_rest_api.webhooks.id
  resource_id      = aws_api_gateway_resource.webhooks.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_integration" "post" {
  rest_api_id             = aws_api_gateway_rest_api.webhooks.id
  resource_id             = aws_api_gateway_resource.webhooks.id
  http_method             = aws_api_gateway_method.post.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.receiver.invoke_arn
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.receiver.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.webhooks.execution_arn}/*/POST/webhooks"
}

# A new deployment whenever the paths, methods or integrations change.
resource "aws_api_gateway_deployment" "webhooks" {
  rest_api_id = aws_api_gateway_rest_api.webhooks.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.webhooks.id,
      aws_api_gateway_method.post.id,
      aws_api_gateway_method.post.api_key_required,
      aws_api_gateway_integration.post.id,
      aws_api_gateway_integration.post.uri,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "webhooks" {
  rest_api_id   = aws_api_gateway_rest_api.webhooks.id
  deployment_id = aws_api_gateway_deployment.webhooks.id
  stage_name    = var.environment
}

# Every sender's key shares one plan: a steady rate, a burst and a daily quota.
resource "aws_api_gateway_usage_plan" "senders" {
  name        = "${var.name}-senders"
  description = "Webhook senders: ${var.rate_limit} req/s, bursts of ${var.burst_limit}, ${var.daily_quota} a day"

  api_stages {
    api_id = aws_api_gateway_rest_api.webhooks.id
    stage  = aws_api_gateway_stage.webhooks.stage_name
  }

  throttle_settings {
    rate_limit  = var.rate_limit
    burst_limit = var.burst_limit
  }

  quota_settings {
    limit  = var.daily_quota
    period = "DAY"
  }
}

resource "aws_api_gateway_api_key" "sender" {
  for_each = var.senders

  name        = "${var.name}-${each.key}"
  description = "Webhook sender ${each.key}"
}

resource "aws_api_gateway_usage_plan_key" "sender" {
  for_each = var.senders

  key_id        = aws_api_gateway_api_key.sender[each.key].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.senders.id
}
