# The ops dashboard: Lambda's own metrics per function, and the kit's EMF metrics (namespace
# OpsLambdas; dimensions service, function, operation, environment) read with SEARCH so that every
# operation's series appears without listing it here.

locals {
  dashboard_functions = sort(keys(var.functions))

  lambda_metric = {
    for stat_name, spec in {
      Invocations = "Sum"
      Errors      = "Sum"
      Throttles   = "Sum"
      Duration    = "p95"
      } : stat_name => [
      for key in local.dashboard_functions : ["AWS/Lambda", stat_name, "FunctionName", local.function_names[key], { stat = spec, label = key }]
    ]
  }

  ops_search = "{OpsLambdas,environment,function,operation,service} environment=\"${var.environment}\""

  memory_metrics = flatten([
    for index, key in local.dashboard_functions : [
      [{ id = "used${index}", expression = "MAX(SEARCH('${local.ops_search} MetricName=\"MaxMemoryUsed\" function=\"${key}\"', 'Maximum', 300))", visible = false }],
      [{ id = "conf${index}", expression = "MAX(SEARCH('${local.ops_search} MetricName=\"MemoryConfigured\" function=\"${key}\"', 'Maximum', 300))", visible = false }],
      [{ id = "util${index}", expression = "100 * used${index} / conf${index}", label = "${key} memory used %" }],
    ]
  ])

  dashboard_widgets = concat(
    [
      for index, title in ["Invocations", "Errors", "Throttles"] : {
        type       = "metric", x = index * 8, y = 0, width = 8, height = 6
        properties = { title = title, region = var.region, view = "timeSeries", stat = "Sum", period = 300, metrics = local.lambda_metric[title] }
      }
    ],
    [
      {
        type = "metric", x = 0, y = 6, width = 8, height = 6
        properties = {
          title       = "Duration p95 (ms)", region = var.region, view = "timeSeries", period = 300, metrics = local.lambda_metric["Duration"]
          annotations = { horizontal = [for key in local.dashboard_functions : { label = "${key} timeout", value = var.functions[key].timeout * 1000 }] }
        }
      },
      {
        type = "metric", x = 8, y = 6, width = 8, height = 6
        properties = {
          title   = "Cold starts", region = var.region, view = "timeSeries", period = 300
          metrics = [[{ id = "cold", expression = "SEARCH('${local.ops_search} MetricName=\"ColdStart\"', 'Sum', 300)", label = "" }]]
        }
      },
      {
        type = "metric", x = 16, y = 6, width = 8, height = 6
        properties = {
          title   = "Memory utilisation (max used / configured, %)", region = var.region, view = "timeSeries", period = 300
          metrics = local.memory_metrics, yAxis = { left = { min = 0, max = 100 } }
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title   = "Migration duration p95 by type (ms)", region = var.region, view = "timeSeries", period = 3600
          metrics = [[{ id = "migration", expression = "SEARCH('{OpsLambdas,MigrationType,environment,function,operation,service} environment=\"${var.environment}\" MetricName=\"MigrationDuration\"', 'p95', 3600)", label = "" }]]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title   = "Operation failures by error code", region = var.region, view = "timeSeries", period = 300
          metrics = [[{ id = "failures", expression = "SEARCH('{OpsLambdas,ErrorCode,environment,function,operation,service} MetricName=\"Failure\" environment=\"${var.environment}\"', 'Sum', 300)", label = "" }]]
        }
      },
    ],
    local.has_migration_workflow ? [
      {
        type = "metric", x = 0, y = 18, width = 12, height = 6
        properties = {
          title = "Migration workflow executions", region = var.region, view = "timeSeries", stat = "Sum", period = 3600
          metrics = [
            for metric in ["ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"] :
            ["AWS/States", metric, "StateMachineArn", aws_sfn_state_machine.migration_workflow[0].arn, { label = metric }]
          ]
        }
      },
    ] : [],
  )
}

resource "aws_cloudwatch_dashboard" "ops" {
  dashboard_name = "${var.name_prefix}dashboard"
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
