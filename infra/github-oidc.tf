# The role GitHub Actions workflows assume through OIDC (no stored AWS keys). It may invoke and read
# the ops functions and make the read-only calls of the cost, compliance and drift checks.

locals {
  github_oidc_url          = "token.actions.githubusercontent.com"
  github_oidc_provider_arn = coalesce(var.github_oidc_provider_arn, one(aws_iam_openid_connect_provider.github[*].arn))

  # Production: only jobs that run in the GitHub environment (with its protection rules) may assume
  # the role. Elsewhere: any workflow of this repository.
  github_subjects = var.github_environment == null ? ["repo:${var.github_repository}:*"] : ["repo:${var.github_repository}:environment:${var.github_environment}"]

  ops_function_arns = [for m in module.ops_lambda : m.function_arn]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.github_oidc_url}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS trusts GitHub's certificate authority itself; the thumbprints are required by older
  # provider versions and otherwise unused.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
}

data "aws_iam_policy_document" "github_assume_role" {
  statement {
    sid     = "GitHubWorkflowsOfThisRepository"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_url}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = var.github_environment == null ? "StringLike" : "StringEquals"
      variable = "${local.github_oidc_url}:sub"
      values   = local.github_subjects
    }
  }
}

resource "aws_iam_role" "github" {
  name                 = "${var.name_prefix}github-actions"
  description          = "Assumed by ${var.github_repository} workflows (${var.environment}) through GitHub OIDC"
  assume_role_policy   = data.aws_iam_policy_document.github_assume_role.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "github" {
  statement {
    sid       = "InvokeAndReadOpsFunctions"
    actions   = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
    resources = concat(local.ops_function_arns, [for arn in local.ops_function_arns : "${arn}:*"])
  }

  statement {
    sid       = "ListFunctions"
    actions   = ["lambda:ListFunctions"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadCostAndForecast"
    actions   = ["ce:GetCostAndUsage", "ce:GetCostForecast"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadConfigRuleCompliance"
    actions   = ["config:DescribeConfigRules", "config:DescribeComplianceByConfigRule", "config:GetComplianceDetailsByConfigRule"]
    resources = ["arn:${local.partition}:config:${var.region}:${local.account_id}:config-rule/*"]
  }

  statement {
    sid       = "ReadResourceCompliance"
    actions   = ["config:DescribeComplianceByResource"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadOpsAlarms"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = ["arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${var.name_prefix}*"]
  }

  statement {
    sid       = "ReadMetrics"
    actions   = ["cloudwatch:GetMetricData"]
    resources = ["*"]
  }

  statement {
    sid       = "QueryOpsLogs"
    actions   = ["logs:StartQuery"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${var.name_prefix}*"]
  }

  statement {
    sid       = "ReadQueryResults"
    actions   = ["logs:GetQueryResults", "logs:StopQuery"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "github" {
  name   = "ops-functions-and-read-only-checks"
  role   = aws_iam_role.github.id
  policy = data.aws_iam_policy_document.github.json
}
