/**
 * The series the analyze action queries must be exactly what the functions publish: CloudWatch
 * matches a metric only by its full dimension set, so a query one dimension off returns nothing.
 */
import { describe, expect, it } from "vitest";
import { seriesForFunction } from "../../actions/analyze/metrics.ts";
import { FUNCTION_OPERATIONS } from "../../actions/analyze/operations.ts";
import { functionKeys } from "../../actions/kit/functions.ts";
import { createHealthCheckFunction } from "../../lambdas/health-check/function.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { createLambdaHandler } from "../../lambdas/kit/lambda-handler.ts";
import type { OpsFunction } from "../../lambdas/kit/operation.ts";
import { createMigrationFunction } from "../../lambdas/migration/function.ts";
import { captureOutput, jsonLines } from "../helpers/capture-output.ts";

interface EmfRecord {
  readonly _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  readonly [field: string]: unknown;
}

/** Every (namespace, metric, dimensions) an EMF line publishes. */
function published(records: readonly EmfRecord[]) {
  return records.flatMap((record) =>
    record._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.flatMap((metric) =>
        directive.Dimensions.map((names) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions: Object.fromEntries(names.map((name) => [name, String(record[name])])),
        })),
      ),
    ),
  );
}

/** A stand-in with the real function's name and operations; `fail` makes a run fail. */
function standIn(name: string, operations: readonly string[]): OpsFunction {
  const run = async (event: { params: Record<string, unknown> }) => {
    if (event.params.fail) throw new OpsError("BROKEN", "Failed on purpose.");
    return { summary: "done" };
  };
  return { name, operations: Object.fromEntries(operations.map((op) => [op, run])) };
}

describe("the analyze action's metric queries", () => {
  it("list the operations each function really has", () => {
    const real = {
      migration: createMigrationFunction({} as never),
      "health-check": createHealthCheckFunction({} as never),
    };

    expect(Object.keys(FUNCTION_OPERATIONS).sort()).toEqual(functionKeys());
    for (const [key, fn] of Object.entries(real)) {
      expect(fn.name).toBe(key);
      expect([...(FUNCTION_OPERATIONS[key] ?? [])].sort()).toEqual(
        Object.keys(fn.operations).sort(),
      );
    }
  });

  it.each([
    ["health-check", "check"],
    ["migration", "status"],
  ])(
    "for %s %s name exactly the dimension sets Powertools publishes (service included)",
    async (key, operation) => {
      const handler = createLambdaHandler(standIn(key, FUNCTION_OPERATIONS[key] ?? []), {
        env: {},
      });
      const event = (fail: boolean) => ({
        operation,
        params: { fail },
        requestId: `req-${fail}`,
        context: { actor: "octocat", environment: "staging", source: "github-actions" },
      });
      const { lines } = await captureOutput(async () => {
        await handler(event(false), {} as never);
        await handler(event(true), {} as never);
      });
      const metrics = published(jsonLines(lines).filter((r) => r._aws) as unknown as EmfRecord[]);

      const queries = seriesForFunction(
        { functionName: `ops-staging-${key}`, functionKey: key },
        "staging",
        300,
        0,
      ).filter((spec) => spec.query.MetricStat?.Metric?.Namespace === "OpsLambdas");
      const ours = queries.filter((spec) => spec.operation === operation);

      expect(ours.length).toBeGreaterThan(0);
      for (const spec of ours) {
        const metric = spec.query.MetricStat?.Metric;
        const dimensions = Object.fromEntries(
          (metric?.Dimensions ?? []).map((dimension) => [dimension.Name, dimension.Value]),
        );
        expect(metrics).toContainEqual({
          namespace: "OpsLambdas",
          name: metric?.MetricName,
          dimensions,
        });
      }
    },
  );

  it("reads cold starts only of the functions kept warm", () => {
    const metricsOf = (key: string) =>
      seriesForFunction({ functionName: `ops-staging-${key}`, functionKey: key }, "staging", 300, 0)
        .filter((spec) => spec.operation === FUNCTION_OPERATIONS[key]?.[0])
        .map((spec) => spec.metric);

    expect(metricsOf("health-check")).toEqual([
      "OpsLambdas Duration p95",
      "OpsLambdas Failure",
      "OpsLambdas MaxMemoryUsed max",
      "OpsLambdas ColdStart",
      "OpsLambdas InitDuration max",
    ]);
    expect(metricsOf("migration")).toEqual([
      "OpsLambdas Duration p95",
      "OpsLambdas Failure",
      "OpsLambdas MaxMemoryUsed max",
    ]);
  });

  it("reads only Lambda's five metrics of a function that is not ours", () => {
    const specs = seriesForFunction({ functionName: "billing-export" }, "staging", 300, 7);

    expect(specs.map((spec) => [spec.id, spec.metric])).toEqual([
      ["m7", "Invocations"],
      ["m8", "Errors"],
      ["m9", "Throttles"],
      ["m10", "Duration p95"],
      ["m11", "ConcurrentExecutions max"],
    ]);
    expect(specs[3]?.query.MetricStat).toEqual({
      Metric: {
        Namespace: "AWS/Lambda",
        MetricName: "Duration",
        Dimensions: [{ Name: "FunctionName", Value: "billing-export" }],
      },
      Period: 300,
      Stat: "p95",
    });
  });
});
