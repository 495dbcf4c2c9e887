# One ops Lambda: the function with its log group, a published alias (optionally with provisioned
# concurrency) and an SQS queue that receives asynchronous invocations that failed.

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_sqs_queue" "failures" {
  name                      = "${var.function_name}-failures"
  message_retention_seconds = var.failure_queue_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_lambda_function" "function" {
  function_name                  = var.function_name
  description                    = var.description
  role                           = var.role_arn
  filename                       = var.package_file
  source_code_hash               = filebase64sha256(var.package_file)
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency
  publish                        = true

  environment {
    variables = var.environment_variables
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  tracing_config {
    mode = "Active"
  }

  # Text: Powertools already writes one JSON line per event, and EMF metric lines must reach the
  # log group unwrapped for CloudWatch to extract them.
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.provisioned_concurrency == 0 || var.reserved_concurrency == null || var.provisioned_concurrency <= var.reserved_concurrency
      error_message = "provisioned_concurrency (${var.provisioned_concurrency}) exceeds reserved_concurrency for ${var.function_name}."
    }
  }
}

resource "aws_lambda_alias" "live" {
  name             = var.alias_name
  function_name    = aws_lambda_function.function.function_name
  function_version = aws_lambda_function.function.version
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  count = var.provisioned_concurrency > 0 ? 1 : 0

  function_name                     = aws_lambda_function.function.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = var.provisioned_concurrency
}

# Asynchronous invocations (schedules, `Event` invokes) are not retried blindly by default: an ops
# operation that failed goes to the failure queue, where the DLQ-depth alarm sees it.
resource "aws_lambda_function_event_invoke_config" "live" {
  function_name                = aws_lambda_function.function.function_name
  qualifier                    = aws_lambda_alias.live.name
  maximum_retry_attempts       = var.async_retry_attempts
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}
