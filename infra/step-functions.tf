# The migration workflow (step-functions/migration-workflow.asl.json): status → plan → backup (when a
# `backup` function is declared) → migrate → health check, rolling back to the recorded version on
# any failure after the plan, then publishing the outcome to the alerts topic.

locals {
  has_migration_workflow = alltrue([for key in ["migration", "health-check"] : contains(keys(var.functions), key)])
  has_backup             = contains(keys(var.functions), "backup")

  # States that exist only to run the backup; without a backup function they are dropped and the
  # plan leads straight to the migration (`after_plan` in the template).
  backup_states = ["Backup", "BackupChecked"]

  migration_workflow_template = local.has_migration_workflow ? jsondecode(templatefile("${path.module}/step-functions/migration-workflow.asl.json", {
    migration_arn    = module.ops_lambda["migration"].alias_arn
    health_check_arn = module.ops_lambda["health-check"].alias_arn
    backup_arn       = local.has_backup ? module.ops_lambda["backup"].alias_arn : ""
    notify_topic_arn = aws_sns_topic.alerts.arn
    environment      = var.environment
    after_plan       = local.has_backup ? "Backup" : "Migrate"
  })) : null

  migration_workflow_definition = local.has_migration_workflow ? jsonencode(merge(local.migration_workflow_template, {
    States = {
      for name, state in local.migration_workflow_template.States : name => state
      if local.has_backup || !contains(local.backup_states, name)
    }
  })) : null

  migration_workflow_functions = [for key in ["migration", "health-check", "backup"] : module.ops_lambda[key].alias_arn if contains(keys(var.functions), key)]
}

data "aws_iam_policy_document" "states_assume_role" {
  statement {
    sid     = "StepFunctionsInThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "migration_workflow" {
  count = local.has_migration_workflow ? 1 : 0

  name               = "${var.name_prefix}migration-workflow"
  description        = "Runs the ${var.environment} migration workflow"
  assume_role_policy = data.aws_iam_policy_document.states_assume_role.json
}

data "aws_iam_policy_document" "migration_workflow" {
  count = local.has_migration_workflow ? 1 : 0

  statement {
    sid       = "InvokeWorkflowFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = local.migration_workflow_functions
  }

  statement {
    sid       = "PublishOutcome"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }

  statement {
    sid       = "WriteXRayTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "migration_workflow" {
  count = local.has_migration_workflow ? 1 : 0

  name   = "invoke-ops-functions"
  role   = aws_iam_role.migration_workflow[0].id
  policy = data.aws_iam_policy_document.migration_workflow[0].json
}

resource "aws_sfn_state_machine" "migration_workflow" {
  count = local.has_migration_workflow ? 1 : 0

  name       = "${var.name_prefix}migration-workflow"
  role_arn   = aws_iam_role.migration_workflow[0].arn
  definition = local.migration_workflow_definition

  tracing_configuration {
    enabled = true
  }

  depends_on = [aws_iam_role_policy.migration_workflow]
}
