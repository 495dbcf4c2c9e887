# EventBridge Scheduler: warm-up pings for functions marked warm, the periodic health check, and the
# nightly backup once a `backup` function is declared. Every schedule invokes a function's alias.

locals {
  warm_functions = { for key, fn in var.functions : key => fn if fn.warm }

  schedule_context = { actor = "eventbridge-scheduler", environment = var.environment, source = "schedule" }

  # Operation schedules by target function key. Only those whose function is declared (and whose
  # expression is set) are created: the backup schedule appears with the `backup` function.
  operation_schedule_candidates = {
    "health-check" = {
      expression = var.health_check_schedule
      retries    = 2
      event      = { operation = "check", params = var.health_check_params, context = local.schedule_context }
    }
    backup = {
      expression = var.backup_schedule
      retries    = 2
      event      = { operation = "backup", params = {}, context = local.schedule_context }
    }
  }
  operation_schedules = {
    for key, schedule in local.operation_schedule_candidates : key => schedule
    if contains(keys(var.functions), key) && schedule.expression != null
  }

  scheduled_function_keys = distinct(concat(keys(local.warm_functions), keys(local.operation_schedules)))
}

resource "aws_scheduler_schedule_group" "ops" {
  name = "${var.name_prefix}schedules"
}

data "aws_iam_policy_document" "scheduler_assume_role" {
  statement {
    sid     = "SchedulerInThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = length(local.scheduled_function_keys) > 0 ? 1 : 0

  name               = "${var.name_prefix}scheduler"
  description        = "Lets EventBridge Scheduler invoke the scheduled ${var.environment} ops functions"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume_role.json
}

data "aws_iam_policy_document" "scheduler" {
  count = length(local.scheduled_function_keys) > 0 ? 1 : 0

  statement {
    sid       = "InvokeScheduledFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = [for key in local.scheduled_function_keys : module.ops_lambda[key].alias_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = length(local.scheduled_function_keys) > 0 ? 1 : 0

  name   = "invoke-scheduled-functions"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}

resource "aws_scheduler_schedule" "warmup" {
  for_each = local.warm_functions

  name                = "${local.function_names[each.key]}-warmup"
  description         = "Keeps a warm container of ${local.function_names[each.key]}; the ping opens no connection"
  group_name          = aws_scheduler_schedule_group.ops.name
  schedule_expression = var.warmup_schedule

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.ops_lambda[each.key].alias_arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode({ warmup = true })

    retry_policy {
      maximum_retry_attempts = 0
    }
  }
}

resource "aws_scheduler_schedule" "operation" {
  for_each = local.operation_schedules

  name                         = "${local.function_names[each.key]}-${each.value.event.operation}"
  description                  = "Runs ${each.value.event.operation} on ${local.function_names[each.key]}"
  group_name                   = aws_scheduler_schedule_group.ops.name
  schedule_expression          = each.value.expression
  schedule_expression_timezone = var.schedule_timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.ops_lambda[each.key].alias_arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode(each.value.event)

    retry_policy {
      maximum_retry_attempts = each.value.retries
    }
  }
}
