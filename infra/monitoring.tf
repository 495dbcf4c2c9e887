# Alerts topic (alarms and migration workflow outcomes), per-function alarms and the dashboard.

locals {
  # Alarm when the slowest invocation in a period uses more than this share of the timeout.
  duration_alarm_share = 0.8

  operation_schedule_alarms = {
    for key, schedule in local.operation_schedules : key => schedule.event.operation
  }
}

# Not encrypted with the AWS-managed aws/sns key: CloudWatch alarms cannot publish to topics using
# it. Messages carry alarm states and migration summaries, never secrets (the kit redacts them).
resource "aws_sns_topic" "alerts" {
  name = "${var.name_prefix}alerts"
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "CloudWatchAlarmsOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

resource "aws_sns_topic_subscription" "alert_emails" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each = var.functions

  alarm_name          = "${local.function_names[each.key]}-errors"
  alarm_description   = "${local.function_names[each.key]} threw (FunctionError: Unhandled, a bug or a timeout). Read its log group for the stack trace."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = module.ops_lambda[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each = var.functions

  alarm_name          = "${local.function_names[each.key]}-throttles"
  alarm_description   = "${local.function_names[each.key]} was throttled: more concurrent invocations than its reserved concurrency (${each.value.reserved_concurrency == null ? "none: the account's unreserved pool" : each.value.reserved_concurrency}). Callers retry; raise it if this repeats."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = module.ops_lambda[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "duration" {
  for_each = var.functions

  alarm_name          = "${local.function_names[each.key]}-duration-near-timeout"
  alarm_description   = "An invocation of ${local.function_names[each.key]} ran longer than ${local.duration_alarm_share * 100} % of its ${each.value.timeout} s timeout: raise the timeout or split the work before it times out."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = module.ops_lambda[each.key].function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = each.value.timeout * 1000 * local.duration_alarm_share
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "failure_queue_depth" {
  for_each = var.functions

  alarm_name          = "${local.function_names[each.key]}-failed-async-events"
  alarm_description   = "Asynchronous invocations of ${local.function_names[each.key]} failed and wait in ${module.ops_lambda[each.key].failure_queue_name}: read them, fix the cause, then redrive or purge."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = module.ops_lambda[each.key].failure_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# A scheduled operation that answers ok: false (e.g. HEALTH_CHECK_FAILED) is a successful invocation
# for Lambda; the kit's EMF Failure metric is what shows it.
resource "aws_cloudwatch_metric_alarm" "scheduled_operation_failures" {
  for_each = local.operation_schedule_alarms

  alarm_name          = "${local.function_names[each.key]}-${each.value}-failing"
  alarm_description   = "Scheduled ${each.value} on ${local.function_names[each.key]} returned ok: false. The function's log group has the result with the error code and what to do."
  namespace           = "OpsLambdas"
  metric_name         = "Failure"
  dimensions          = { service = each.key, function = each.key, operation = each.value, environment = var.environment }
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}
