output "function_names" {
  description = "AWS function names by key (name_prefix + key), what `ops invoke` and the invoke action call."
  value       = { for key, m in module.ops_lambda : key => m.function_name }
}

output "function_alias_arns" {
  description = "ARNs of the `live` aliases by key: the qualified targets of schedules and the workflow (with provisioned concurrency when critical)."
  value       = { for key, m in module.ops_lambda : key => m.alias_arn }
}

output "failure_queue_urls" {
  description = "SQS queues holding failed asynchronous invocations, by function key."
  value       = { for key, m in module.ops_lambda : key => m.failure_queue_url }
}

output "log_group_names" {
  description = "CloudWatch log groups by function key."
  value       = { for key, m in module.ops_lambda : key => m.log_group_name }
}

output "github_role_arn" {
  description = "Role for aws-actions/configure-aws-credentials (`role-to-assume`) in this environment's workflows."
  value       = aws_iam_role.github.arn
}

output "migration_workflow_arn" {
  description = "ARN of the migration workflow state machine (null when migration or health-check is not declared)."
  value       = one(aws_sfn_state_machine.migration_workflow[*].arn)
}

output "alerts_topic_arn" {
  description = "SNS topic receiving alarms and migration workflow outcomes."
  value       = aws_sns_topic.alerts.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard of the ops Lambdas."
  value       = aws_cloudwatch_dashboard.ops.dashboard_name
}
