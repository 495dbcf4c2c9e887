# One execution role per ops Lambda, granting only what that function does: write its own logs and
# traces, send failed asynchronous events to its own queue, read the secrets it is configured with,
# and (in a VPC) manage its network interfaces. Metrics are EMF log lines, so no PutMetricData.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Known before the functions exist, so the policies can be in place when Lambda checks them.
  log_group_arns     = { for key, name in local.function_names : key => "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${name}" }
  failure_queue_arns = { for key, name in local.function_names : key => "arn:${local.partition}:sqs:${var.region}:${local.account_id}:${name}-failures" }
  ec2_arn_prefix     = "arn:${local.partition}:ec2:${var.region}:${local.account_id}"
}

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    sid     = "LambdaServiceInThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "ops_lambda" {
  for_each = var.functions

  name               = "${local.function_names[each.key]}-execution"
  description        = "Execution role of ${local.function_names[each.key]}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json

  lifecycle {
    precondition {
      condition     = !each.value.needs_database || var.database_secret_arn != null
      error_message = "Function ${each.key} has needs_database but database_secret_arn is not set in the environment's tfvars."
    }
  }
}

data "aws_iam_policy_document" "ops_lambda" {
  for_each = var.functions

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arns[each.key]}:*"]
  }

  statement {
    sid       = "SendFailedAsyncEventsToOwnQueue"
    actions   = ["sqs:SendMessage"]
    resources = [local.failure_queue_arns[each.key]]
  }

  statement {
    sid       = "WriteXRayTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = each.value.needs_database ? [var.database_secret_arn] : []
    content {
      sid       = "ReadDatabaseSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.signing_secret_arn == null ? [] : [var.signing_secret_arn]
    content {
      sid       = "ReadSigningSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.secrets_kms_key_arn != null && (each.value.needs_database || var.signing_secret_arn != null) ? [var.secrets_kms_key_arn] : []
    content {
      sid       = "DecryptSecretsThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.value.vpc && var.vpc != null ? [var.vpc] : []
    content {
      sid     = "CreateNetworkInterfacesInConfiguredSubnets"
      actions = ["ec2:CreateNetworkInterface"]
      resources = concat(
        ["${local.ec2_arn_prefix}:network-interface/*"],
        [for id in statement.value.subnet_ids : "${local.ec2_arn_prefix}:subnet/${id}"],
        [for id in statement.value.security_group_ids : "${local.ec2_arn_prefix}:security-group/${id}"],
      )
    }
  }

  dynamic "statement" {
    for_each = each.value.vpc && var.vpc != null ? [var.vpc] : []
    content {
      sid       = "ManageOwnNetworkInterfaces"
      actions   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      resources = ["${local.ec2_arn_prefix}:network-interface/*"]
    }
  }

  dynamic "statement" {
    for_each = each.value.vpc && var.vpc != null ? [var.vpc] : []
    content {
      sid       = "DescribeNetworkInterfaces"
      actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "ops_lambda" {
  for_each = var.functions

  name   = "least-privilege"
  role   = aws_iam_role.ops_lambda[each.key].id
  policy = data.aws_iam_policy_document.ops_lambda[each.key].json
}
