# The ops Lambdas: one module instance per entry of functions.auto.tfvars.json.

locals {
  package_dir    = coalesce(var.lambda_package_dir, "${path.module}/../build/lambdas")
  function_names = { for key in keys(var.functions) : key => "${var.name_prefix}${key}" }

  # Secrets are passed by ARN; the functions read them with their own role at run time.
  function_environment = {
    for key, fn in var.functions : key => merge(
      fn.environment,
      fn.needs_database ? { DATABASE_SECRET_ARN = var.database_secret_arn } : {},
      var.signing_secret_arn == null ? {} : { OPS_SIGNING_SECRET_ARN = var.signing_secret_arn },
      var.signing_secret_arn == null || length(lookup(var.signing_exempt_operations, key, [])) == 0 ? {} : {
        OPS_SIGNING_EXEMPT_OPERATIONS = join(",", var.signing_exempt_operations[key])
      },
    )
  }
}

module "ops_lambda" {
  source   = "./modules/ops-lambda"
  for_each = var.functions

  function_name           = local.function_names[each.key]
  description             = each.value.description
  package_file            = "${local.package_dir}/${each.key}.zip"
  handler                 = each.value.handler
  runtime                 = var.runtime
  architecture            = each.value.architecture
  memory_size             = each.value.memory_size
  timeout                 = each.value.timeout
  reserved_concurrency    = each.value.reserved_concurrency
  provisioned_concurrency = each.value.critical ? var.critical_provisioned_concurrency : 0
  environment_variables   = local.function_environment[each.key]
  vpc                     = each.value.vpc ? var.vpc : null
  role_arn                = aws_iam_role.ops_lambda[each.key].arn
  log_retention_days      = var.log_retention_days

  # The role must hold its permissions before Lambda checks them (VPC network interfaces, the
  # failure queue destination) and before the first invocation writes logs.
  depends_on = [aws_iam_role_policy.ops_lambda]
}
