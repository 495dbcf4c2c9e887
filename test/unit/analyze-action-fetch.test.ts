import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  MetricsAccessDeniedError,
  MetricsCallError,
  MetricsThrottledError,
} from "../../actions/analyze/errors.ts";
import { callsFor, type FetchPacing, fetchMetricSeries } from "../../actions/analyze/fetch.ts";
import { LAMBDA_METRICS, seriesForFunctions } from "../../actions/analyze/metrics.ts";
import { answerGetMetricData, steady } from "./analyze-action-helpers.ts";

const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => cloudwatch.reset());

const END = Date.UTC(2026, 10, 20, 12, 0, 0);
const WINDOW = { start: new Date(END - 6 * 3_600_000), end: new Date(END) };
const client = new CloudWatchClient({ region: "eu-west-1" });

function pacing(overrides: Partial<FetchPacing> = {}) {
  const sleeps: number[] = [];
  const value: FetchPacing = {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  };
  return { pacing: value, sleeps };
}

/** `count` deployed functions that are not ours: Lambda's five metrics each. */
function plainFunctions(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    functionName: `ops-staging-fn-${String(index).padStart(3, "0")}`,
  }));
}

function sentInputs(): GetMetricDataCommandInput[] {
  return cloudwatch.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
}

const throttled = () =>
  new CloudWatchServiceException({
    name: "Throttling",
    $fault: "client",
    message: "Rate exceeded",
    $metadata: { httpStatusCode: 400 },
  });

describe("fetchMetricSeries — batching", () => {
  it("reads 120 functions × 5 metrics in ⌈600 / 500⌉ = 2 calls, not 600", async () => {
    const specs = seriesForFunctions(plainFunctions(120), "staging", 300);
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) =>
        answerGetMetricData(input, (_query, at) => steady(10, at)),
      );

    const fetched = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing);

    const perFunction = LAMBDA_METRICS.length;
    console.log(
      `GetMetricData for N=120 functions × ${perFunction} metrics = ${specs.length} queries: ${fetched.calls} calls (⌈${specs.length}/500⌉ = ${callsFor(specs.length)})`,
    );
    expect(specs).toHaveLength(600);
    expect(fetched.calls).toBe(2);
    expect(fetched.calls).toBe(callsFor(120 * perFunction));
    expect(sentInputs().map((input) => input.MetricDataQueries?.length)).toEqual([500, 100]);
    expect(fetched.datapoints.get("m599")).toHaveLength(72);
  });

  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])("calls grow as ⌈N·5/500⌉: %i functions → %i calls", async (functions, calls) => {
    const specs = seriesForFunctions(plainFunctions(functions), "staging", 300);
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, () => 1));

    const fetched = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing);

    expect(fetched.calls).toBe(calls);
  });

  it("gives every query an id unique over the run that maps back to its function and metric", () => {
    const specs = seriesForFunctions(
      [{ functionName: "ops-staging-migration", functionKey: "migration" }, ...plainFunctions(2)],
      "staging",
      300,
    );

    expect(new Set(specs.map((spec) => spec.query.Id)).size).toBe(specs.length);
    for (const spec of specs) expect(spec.query.Id).toMatch(/^m\d+$/);
    expect(specs.find((spec) => spec.id === "m1")).toMatchObject({
      functionName: "ops-staging-migration",
      metric: "Errors",
    });
  });
});

describe("fetchMetricSeries — pages and partial data", () => {
  it("follows NextToken and merges each series' pages in time order", async () => {
    const specs = seriesForFunctions(plainFunctions(3), "staging", 300);
    const value = (id: string, at: number) => Number(id.slice(1)) * 1000 + (at - END) / 300_000;
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) =>
        answerGetMetricData(input, (query, at) => value(query.Id as string, at), 50),
      );

    const fetched = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing);

    // 15 series × 72 points = 1080 datapoints, 50 per page.
    expect(fetched.calls).toBe(22);
    expect(sentInputs()[1]?.NextToken).toBe("50");
    expect(fetched.warnings).toEqual([]);
    for (const spec of specs) {
      const points = fetched.datapoints.get(spec.id) ?? [];
      expect(points).toHaveLength(72);
      expect(points.map((point) => point.at)).toEqual(
        Array.from({ length: 72 }, (_, index) => WINDOW.start.getTime() + index * 300_000),
      );
      expect(points.every((point) => point.value === value(spec.id, point.at))).toBe(true);
    }
  });

  it("keeps series with missing datapoints as they are, and empty series empty", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) =>
      answerGetMetricData(input, (query, at) => {
        if (query.Id === "m2") return undefined; // Throttles: never any data
        return ((at - WINDOW.start.getTime()) / 300_000) % 3 === 0 ? undefined : 1;
      }),
    );

    const fetched = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing);

    expect(fetched.datapoints.get("m0")).toHaveLength(48);
    expect(fetched.datapoints.get("m2")).toEqual([]);
    expect(fetched.warnings).toEqual([]);
  });

  it("warns about a series still PartialData when no page follows, and one refused by status", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "m0", Timestamps: [WINDOW.start], Values: [3], StatusCode: "PartialData" },
        {
          Id: "m1",
          Timestamps: [],
          Values: [],
          StatusCode: "Forbidden",
          Messages: [{ Code: "Forbidden", Value: "no access to AWS/Lambda" }],
        },
      ],
      Messages: [{ Code: "MaxQueryTimeRangeExceed", Value: "Query time range is too large" }],
    });

    const fetched = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing);

    expect(fetched.datapoints.get("m0")).toEqual([{ at: WINDOW.start.getTime(), value: 3 }]);
    expect(fetched.warnings).toEqual([
      "ops-staging-fn-000 Errors: Forbidden (no access to AWS/Lambda)",
      "GetMetricData: MaxQueryTimeRangeExceed Query time range is too large",
      "ops-staging-fn-000 Invocations: CloudWatch returned partial data (no more pages)",
    ]);
  });
});

describe("fetchMetricSeries — failures", () => {
  it("retries a throttled call with growing, jittered backoff, then succeeds and counts the calls", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    cloudwatch
      .on(GetMetricDataCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, () => 1));
    const { pacing: paced, sleeps } = pacing();

    const fetched = await fetchMetricSeries(client, specs, WINDOW, paced);

    expect(sleeps).toEqual([250, 500]);
    expect(fetched).toMatchObject({ calls: 3, batches: 1, retries: 2 });
    expect(fetched.datapoints.get("m0")).toHaveLength(72);
  });

  it("stops retrying after the bounded attempts with METRICS_THROTTLED", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    cloudwatch.on(GetMetricDataCommand).rejects(throttled());

    const error = await fetchMetricSeries(
      client,
      specs,
      WINDOW,
      pacing({ maxAttempts: 4 }).pacing,
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MetricsThrottledError);
    expect(error).toMatchObject({ code: "METRICS_THROTTLED", attempts: 4 });
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(4);
  });

  it("turns AccessDenied into a message naming cloudwatch:GetMetricData and the role", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    const role = "arn:aws:sts::123456789012:assumed-role/ops-analyze/gh-42";
    cloudwatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: `User: ${role} is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`,
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const error = (await fetchMetricSeries(client, specs, WINDOW, pacing().pacing).catch(
      (caught: unknown) => caught,
    )) as MetricsAccessDeniedError;

    expect(error).toBeInstanceOf(MetricsAccessDeniedError);
    expect(error.principal).toBe(role);
    expect(error.message).toMatch(
      new RegExp(`^The role ${role} may not read metrics: cloudwatch:GetMetricData was denied`),
    );
    expect(error.hint).toContain(`Allow cloudwatch:GetMetricData on Resource "*"`);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);
  });

  it("says 'the workflow's role' when AWS's message names no principal", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    cloudwatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        message: "Access denied",
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const error = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing).catch(
      (caught: unknown) => caught,
    );

    expect((error as Error).message).toMatch(
      /^The workflow's role may not read metrics: cloudwatch:GetMetricData was denied/,
    );
  });

  it("does not retry a bad request", async () => {
    const specs = seriesForFunctions(plainFunctions(1), "staging", 300);
    cloudwatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "InvalidNextToken",
        $fault: "client",
        message: "The next token specified is invalid",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await fetchMetricSeries(client, specs, WINDOW, pacing().pacing).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(MetricsCallError);
    expect((error as Error).message).toBe(
      "GetMetricData failed: InvalidNextToken: The next token specified is invalid.",
    );
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);
  });
});
