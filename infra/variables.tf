# functions.auto.tfvars.json sets `functions`; environments/<env>.tfvars.json sets the rest
# (`terraform plan -var-file=environments/staging.tfvars.json`). The TypeScript side reads the same
# JSON files (DESIGN.md §2), so field names here are a contract: add, never rename.

variable "functions" {
  description = "The ops Lambdas, keyed by their folder under lambdas/ (the AWS name is name_prefix + key). Loaded from functions.auto.tfvars.json."
  type = map(object({
    description          = string
    handler              = string
    memory_size          = number
    timeout              = number
    architecture         = optional(string, "arm64")
    reserved_concurrency = optional(number)
    critical             = optional(bool, false)
    warm                 = optional(bool, false)
    environment          = optional(map(string), {})
    needs_database       = optional(bool, false)
    vpc                  = optional(bool, false)
  }))

  validation {
    condition     = alltrue([for key in keys(var.functions) : can(regex("^[a-z][a-z0-9-]*$", key))])
    error_message = "Function keys must be lower-case folder names under lambdas/ (letters, digits, hyphens)."
  }

  validation {
    condition     = alltrue([for fn in values(var.functions) : fn.timeout >= 1 && fn.timeout <= 900])
    error_message = "Every function's timeout must be between 1 and 900 seconds."
  }

  validation {
    condition     = alltrue([for fn in values(var.functions) : fn.memory_size >= 128 && fn.memory_size <= 10240])
    error_message = "Every function's memory_size must be between 128 and 10240 MB."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, production); also the `environment` metric dimension and the workflow's context.environment."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name, e.g. ops-staging- (function names are name_prefix + key)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]+-$", var.name_prefix))
    error_message = "name_prefix must be letters, digits and hyphens, ending with a hyphen."
  }
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
}

variable "lambda_package_dir" {
  description = "Folder holding the zips built by `npm run build:lambdas` (<name>.zip); null means build/lambdas at the repository root."
  type        = string
  default     = null
}

variable "runtime" {
  description = "Lambda runtime of every ops function."
  type        = string
  default     = "nodejs22.x"
}

variable "log_retention_days" {
  description = "Days to keep the functions' CloudWatch logs."
  type        = number
  default     = 30
}

variable "critical_provisioned_concurrency" {
  description = "Provisioned concurrency on the alias of each function marked critical; 0 for none (it is billed while idle)."
  type        = number
  default     = 0
}

variable "database_secret_arn" {
  description = "ARN of the Secrets Manager secret in the RDS JSON shape ({username,password,host,port,dbname}), passed as DATABASE_SECRET_ARN to functions with needs_database."
  type        = string
  default     = null
}

variable "signing_secret_arn" {
  description = "ARN of the secret holding the HMAC key callers sign events with (OPS_SIGNING_SECRET_ARN); null turns signing off. Schedules and the workflow cannot sign: see signing_exempt_operations."
  type        = string
  default     = null
}

variable "signing_exempt_operations" {
  description = "With signing on, the operations per function key that may run unsigned (OPS_SIGNING_EXEMPT_OPERATIONS), for callers that cannot sign: the scheduled health check by default; add the migration workflow's operations (status, plan, migrate, rollback) to run the Step Functions workflow with signing on."
  type        = map(list(string))
  default     = { "health-check" = ["check"] }
}

variable "secrets_kms_key_arn" {
  description = "Customer-managed KMS key that encrypts the secrets, if any; null when they use the AWS-managed key."
  type        = string
  default     = null
}

variable "vpc" {
  description = "Subnets and security groups for functions with `vpc: true` (to reach a private database), or null to run every function outside a VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null
}

variable "alarm_emails" {
  description = "Email addresses subscribed to the alerts topic (alarms and migration workflow outcomes); each must confirm the subscription."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "The repository whose workflows may assume the GitHub role, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, e.g. my-org/ops-lambdas."
  }
}

variable "github_environment" {
  description = "GitHub environment a job must run in to assume the role (sub claim repo:<repo>:environment:<name>); null allows any ref of the repository. Set it for production."
  type        = string
  default     = null
}

variable "github_oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider (an account has at most one); null creates it."
  type        = string
  default     = null
}

variable "warmup_schedule" {
  description = "EventBridge Scheduler expression for the warm-up pings of functions marked warm."
  type        = string
  default     = "rate(5 minutes)"
}

variable "health_check_schedule" {
  description = "Schedule expression of the periodic health check; null disables it."
  type        = string
  default     = "rate(5 minutes)"
}

variable "health_check_params" {
  description = "params of the scheduled health check's event, e.g. { endpoints = [{ url = \"https://app.example.com/health\" }] }."
  type        = any
  default     = {}
}

variable "backup_schedule" {
  description = "Schedule expression of the nightly backup, used only when a `backup` function is declared."
  type        = string
  default     = "cron(0 3 * * ? *)"
}

variable "schedule_timezone" {
  description = "Time zone of cron schedule expressions (IANA name)."
  type        = string
  default     = "UTC"
}

variable "tags" {
  description = "Tags added to every resource (on top of Project, Environment and ManagedBy)."
  type        = map(string)
  default     = {}
}
