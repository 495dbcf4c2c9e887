/**
 * Which CloudWatch series the analyze action reads for each function: Lambda's own metrics, and
 * the custom EMF metrics lambdas/kit emits through Powertools. A query must name the exact
 * dimension set a metric was published with, or CloudWatch returns no data — hence the
 * Powertools `service` dimension (its serviceName) beside the kit's function/operation/environment.
 */
import type { MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import functionsFile from "../../infra/functions.auto.tfvars.json" with { type: "json" };
import { FUNCTION_OPERATIONS } from "./operations.ts";

/** Namespace of the kit's EMF metrics (lambdas/kit/telemetry.ts METRICS_NAMESPACE). */
export const OPS_NAMESPACE = "OpsLambdas";

/** One series to read: what it is, and the query that reads it. */
export interface SeriesSpec {
  /** The MetricDataQuery id (`m<index>`): unique over the whole run, maps a result back here. */
  readonly id: string;
  /** The deployed function name (`ops-staging-migration`). */
  readonly functionName: string;
  /** The key of infra/functions.auto.tfvars.json, when the function is one of ours. */
  readonly functionKey?: string;
  /** The operation, for the kit's per-operation metrics. */
  readonly operation?: string;
  /** What is measured, as people read it: `Errors`, `Duration p95`, `OpsLambdas Failure`. */
  readonly metric: string;
  readonly unit: string;
  readonly query: MetricDataQuery;
}

/** A function to read metrics for. */
export interface MetricTarget {
  readonly functionName: string;
  /** Set when the function is a key of functions.auto.tfvars.json: enables the kit's metrics. */
  readonly functionKey?: string;
}

interface MetricDefinition {
  readonly namespace: string;
  readonly name: string;
  readonly stat: string;
  readonly label: string;
  readonly unit: string;
}

/** Lambda's metrics, dimension FunctionName. */
export const LAMBDA_METRICS: readonly MetricDefinition[] = [
  {
    namespace: "AWS/Lambda",
    name: "Invocations",
    stat: "Sum",
    label: "Invocations",
    unit: "count",
  },
  { namespace: "AWS/Lambda", name: "Errors", stat: "Sum", label: "Errors", unit: "count" },
  { namespace: "AWS/Lambda", name: "Throttles", stat: "Sum", label: "Throttles", unit: "count" },
  { namespace: "AWS/Lambda", name: "Duration", stat: "p95", label: "Duration p95", unit: "ms" },
  {
    namespace: "AWS/Lambda",
    name: "ConcurrentExecutions",
    stat: "Maximum",
    label: "ConcurrentExecutions max",
    unit: "count",
  },
];

const kitMetric = (name: string, stat: string, unit: string): MetricDefinition => ({
  namespace: OPS_NAMESPACE,
  name,
  stat,
  label: `${OPS_NAMESPACE} ${name}${stat === "Sum" ? "" : ` ${stat === "Maximum" ? "max" : stat}`}`,
  unit,
});

/** Kit metrics worth watching for every function, per operation. */
const KIT_METRICS = [
  kitMetric("Duration", "p95", "ms"),
  kitMetric("Failure", "Sum", "count"),
  kitMetric("MaxMemoryUsed", "Maximum", "MB"),
];

/**
 * Cold-start metrics, only for functions kept warm: a function that is not (migration) starts
 * cold almost every run, so its cold starts say nothing; a warm one starting cold does.
 */
const WARM_KIT_METRICS = [
  kitMetric("ColdStart", "Sum", "count"),
  kitMetric("InitDuration", "Maximum", "ms"),
];

const FUNCTIONS: Readonly<Record<string, { readonly warm?: boolean }>> = functionsFile.functions;

/**
 * The series of one function: Lambda's five, plus the kit's per operation when the function is
 * one of ours (`functionKey`). Ids continue from `firstIndex`, so they stay unique over a run.
 *
 * @example
 * seriesForFunction({ functionName: "ops-staging-migration", functionKey: "migration" }, "staging", 300, 0);
 */
export function seriesForFunction(
  target: MetricTarget,
  environment: string,
  periodSeconds: number,
  firstIndex: number,
): SeriesSpec[] {
  const specs: SeriesSpec[] = [];
  const add = (
    definition: MetricDefinition,
    dimensions: Record<string, string>,
    operation?: string,
  ) => {
    const id = `m${firstIndex + specs.length}`;
    specs.push({
      id,
      functionName: target.functionName,
      ...(target.functionKey ? { functionKey: target.functionKey } : {}),
      ...(operation ? { operation } : {}),
      metric: definition.label,
      unit: definition.unit,
      query: {
        Id: id,
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: definition.namespace,
            MetricName: definition.name,
            Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: periodSeconds,
          Stat: definition.stat,
        },
      },
    });
  };
  for (const definition of LAMBDA_METRICS) add(definition, { FunctionName: target.functionName });
  const key = target.functionKey;
  if (key === undefined) return specs;
  const kitMetrics = FUNCTIONS[key]?.warm ? [...KIT_METRICS, ...WARM_KIT_METRICS] : KIT_METRICS;
  for (const operation of FUNCTION_OPERATIONS[key] ?? []) {
    // Exactly the set Powertools publishes: its `service` (the serviceName, the function's name in
    // lambdas/kit) plus the default dimensions the handler sets.
    const dimensions = { service: key, function: key, operation, environment };
    for (const definition of kitMetrics) add(definition, dimensions, operation);
  }
  return specs;
}

/**
 * The series of every function, ids `m0`, `m1`, … in order.
 *
 * @example
 * const specs = seriesForFunctions(targets, "staging", 300);
 */
export function seriesForFunctions(
  targets: readonly MetricTarget[],
  environment: string,
  periodSeconds: number,
): SeriesSpec[] {
  const specs: SeriesSpec[] = [];
  for (const target of targets) {
    specs.push(...seriesForFunction(target, environment, periodSeconds, specs.length));
  }
  return specs;
}
