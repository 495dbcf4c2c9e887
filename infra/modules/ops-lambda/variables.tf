variable "function_name" {
  description = "Full Lambda function name, e.g. ops-staging-migration (name_prefix + the key under lambdas/)."
  type        = string
}

variable "description" {
  description = "Function description shown in the Lambda console."
  type        = string
  default     = ""
}

variable "package_file" {
  description = "Path of the deployment zip built by `npm run build:lambdas` (build/lambdas/<name>.zip)."
  type        = string
}

variable "handler" {
  description = "Lambda handler, `<module>.<export>` inside the zip, e.g. index.handler."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime identifier."
  type        = string
  default     = "nodejs22.x"
}

variable "architecture" {
  description = "Instruction set: arm64 (cheaper per GB-second) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB (Lambda allows 128 to 10240); CPU scales with it."
  type        = number

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds (Lambda allows at most 900)."
  type        = number

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; null leaves the function on the account's unreserved pool."
  type        = number
  default     = null
}

variable "provisioned_concurrency" {
  description = "Provisioned concurrency on the alias; 0 for none. Must not exceed reserved_concurrency."
  type        = number
  default     = 0
}

variable "alias_name" {
  description = "Alias that points at the published version; schedules and the workflow invoke it."
  type        = string
  default     = "live"
}

variable "environment_variables" {
  description = "The function's environment variables (never secrets themselves: pass secret ARNs)."
  type        = map(string)
  default     = {}
}

variable "vpc" {
  description = "Subnets and security groups to run the function in, or null to run outside a VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null
}

variable "role_arn" {
  description = "ARN of the function's execution role."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep the function's CloudWatch logs."
  type        = number
  default     = 30
}

variable "failure_queue_retention_seconds" {
  description = "How long failed asynchronous events stay in the failure queue (SQS allows up to 14 days)."
  type        = number
  default     = 1209600
}

variable "async_retry_attempts" {
  description = "Retries of a failed asynchronous invocation before it goes to the failure queue (0 to 2)."
  type        = number
  default     = 0
}

variable "tags" {
  description = "Tags for every resource of the function."
  type        = map(string)
  default     = {}
}
