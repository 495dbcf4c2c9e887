output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.function.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the Lambda function."
  value       = aws_lambda_function.function.arn
}

output "alias_arn" {
  description = "ARN of the alias that schedules and the migration workflow invoke."
  value       = aws_lambda_alias.live.arn
}

output "alias_name" {
  description = "Name of the alias."
  value       = aws_lambda_alias.live.name
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.function.name
}

output "failure_queue_arn" {
  description = "ARN of the SQS queue receiving failed asynchronous invocations."
  value       = aws_sqs_queue.failures.arn
}

output "failure_queue_name" {
  description = "Name of the failure queue (for the DLQ-depth alarm)."
  value       = aws_sqs_queue.failures.name
}

output "failure_queue_url" {
  description = "URL of the failure queue, to read or redrive failed events."
  value       = aws_sqs_queue.failures.url
}
