/**
 * The built analyze action (actions/analyze/dist/index.js) run as a child process exactly as the
 * runner does — INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP — against a
 * local CloudWatch endpoint (AWS_ENDPOINT_URL_CLOUDWATCH). @aws-sdk/client-cloudwatch speaks the
 * AWS JSON 1.0 protocol (POST /, X-Amz-Target GraniteServiceVersion20100801.GetMetricData, epoch
 * seconds for timestamps), which a few lines of node:http serve; the real SDK in the bundle does
 * the signing, serialising and error parsing.
 */

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GetMetricDataCommandInput, MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ActionRun, errorLines, runActionBundle } from "../helpers/run-action.ts";
import { answerGetMetricData, steady } from "../unit/analyze-action-helpers.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUNDLE = path.join(ROOT, "actions/analyze/dist/index.js");
const TARGET = "GraniteServiceVersion20100801.GetMetricData";
const ROLE = "arn:aws:sts::123456789012:assumed-role/ops-analyze/gh-4242";

type Mode = "spike" | "deny" | "throttle-once";

let dir: string;
let server: Server;
let endpoint: string;
let mode: Mode = "spike";
let requests: { target: string | undefined; body: GetMetricDataCommandInput }[] = [];

/** Errors on health-check's Lambda metric: steady zero, one spike 150 h into the window. */
function source(start: number) {
  const spikeAt = start + 150 * 3_600_000;
  return (query: MetricDataQuery, at: number): number | undefined => {
    const metric = query.MetricStat?.Metric;
    if (metric?.Namespace === "OpsLambdas") return metric.MetricName === "Failure" ? undefined : 7;
    if (metric?.MetricName === "Errors") return at === spikeAt ? 25 : 0;
    return steady(metric?.MetricName === "Duration" ? 300 : 4, at);
  };
}

function reply(res: ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.0", ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, text: string) {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const body = {
    ...raw,
    StartTime: new Date((raw.StartTime as number) * 1000),
    EndTime: new Date((raw.EndTime as number) * 1000),
  } as GetMetricDataCommandInput;
  requests.push({ target: req.headers["x-amz-target"] as string | undefined, body });
  if (mode === "deny") {
    return reply(
      res,
      400,
      {
        __type: "com.amazonaws.cloudwatch#AccessDeniedException",
        message: `User: ${ROLE} is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`,
      },
      { "x-amzn-query-error": "AccessDenied;Sender" },
    );
  }
  if (mode === "throttle-once" && requests.length === 1) {
    return reply(
      res,
      400,
      { __type: "com.amazonaws.cloudwatch#ThrottlingException", message: "Rate exceeded" },
      { "x-amzn-query-error": "Throttling;Sender" },
    );
  }
  // 1000 datapoints a page, so a week of 10 series (20 160 points) takes several pages.
  const answer = answerGetMetricData(body, source((body.StartTime as Date).getTime()), 1000);
  reply(res, 200, {
    MetricDataResults: answer.MetricDataResults?.map((result) => ({
      ...result,
      Timestamps: result.Timestamps?.map((at) => at.getTime() / 1000),
    })),
    ...(answer.NextToken ? { NextToken: answer.NextToken } : {}),
    Messages: [],
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "analyze-action-e2e-"));
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => handle(req, res, text));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  mode = "spike";
  requests = [];
});

/** Runs the bundle like the runner against the local CloudWatch endpoint. */
function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  return runActionBundle(BUNDLE, inputs, {
    dir,
    env: {
      AWS_ENDPOINT_URL_CLOUDWATCH: endpoint,
      AWS_ACCESS_KEY_ID: "e2e-test-key",
      AWS_SECRET_ACCESS_KEY: "e2e-secret-key",
      AWS_REGION: "eu-west-1",
    },
  });
}

const HEALTH_CHECK = { environment: "production", functions: "health-check" };

describe("actions/analyze (built bundle) against a local CloudWatch endpoint", () => {
  it("reads the metrics in pages, flags the spike and reports it in outputs, summary and report file", async () => {
    const run = await runAction(HEALTH_CHECK);

    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    expect(requests.every((request) => request.target === TARGET)).toBe(true);
    expect(requests[0]?.body.MetricDataQueries).toHaveLength(10);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.slice(1).every((request) => request.body.NextToken)).toBe(true);
    expect(run.stdout).toContain(
      "GetMetricData: 10 queries for 1 functions → 1 calls of ≤ 500 queries (plus pages)",
    );
    expect(run.stdout).toContain(`GetMetricData: ${requests.length} calls made (1 batches`);

    const findings = JSON.parse(run.outputs.findings as string) as Record<string, unknown>[];
    expect(findings[0]).toMatchObject({
      kind: "metric-anomaly",
      scope: { environment: "production", function: "health-check", metric: "Errors" },
      evidence: { peakValue: 25 },
    });
    expect(run.outputs.anomalies).toBe(String(findings.length));
    expect(Number(run.outputs["top-severity"])).toBe(findings[0]?.severity);
    expect(run.outputs.report).toMatch(new RegExp(`^${dir}/ops-analyze-production-.+\\.md$`));
    const report = await readFile(run.outputs.report as string, "utf8");
    expect(run.summary).toBe(report);
    expect(report).toMatch(/^## Analyze production: \d+ findings?, top severity/);
    expect(report).toContain("health-check · Errors");
    expect(report).toContain("```mermaid\n%%{init:");
    expect(report).toContain("xychart-beta");
  });

  it("fails the step when a finding reaches 'fail-on-severity', after publishing the report", async () => {
    const run = await runAction({ ...HEALTH_CHECK, "fail-on-severity": "0.1" });

    expect(run.code).toBe(1);
    const errors = errorLines(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error::\d+ findings? at severity ≥ 0\.1 \('fail-on-severity'\)/);
    expect(Number(run.outputs.anomalies)).toBeGreaterThan(0);
    expect(run.summary).toContain("xychart-beta");
  });

  it("retries a throttled call and succeeds", async () => {
    mode = "throttle-once";

    const run = await runAction(HEALTH_CHECK);

    expect(run.code).toBe(0);
    expect(requests[0]?.body.NextToken).toBeUndefined();
    expect(requests[1]?.body.NextToken).toBeUndefined();
    expect(run.stdout).toMatch(/, 1 throttling retries\)/);
  });

  it("names the missing permission and the role when CloudWatch denies access", async () => {
    mode = "deny";

    const run = await runAction(HEALTH_CHECK);

    expect(run.code).toBe(1);
    expect(requests).toHaveLength(1);
    expect(errorLines(run.stdout)).toEqual([
      `::error::The role ${ROLE} may not read metrics: cloudwatch:GetMetricData was denied (AccessDenied: User: ${ROLE} is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action). Next: Allow cloudwatch:GetMetricData on Resource "*" (it takes no resource-level permissions) in the policy of ${ROLE}.`,
    ]);
  });

  it("rejects a bad input with one line before any CloudWatch call", async () => {
    const run = await runAction({ ...HEALTH_CHECK, "period-seconds": "90" });

    expect(run.code).toBe(1);
    expect(requests).toEqual([]);
    expect(errorLines(run.stdout)).toEqual([
      "::error::Input 'period-seconds' must be a multiple of 60 (CloudWatch's periods for standard metrics), got '90'",
    ]);
    expect(run.outputs).toEqual({});
  });

  it("adds the run history's failure patterns to the findings", async () => {
    const lines = Array.from({ length: 200 }, (_, index) => {
      const failing = index >= 120 && index < 150;
      return JSON.stringify({
        ok: !failing,
        function: "health-check",
        operation: "check",
        requestId: `r-${index}`,
        startedAt: new Date(Date.now() - (200 - index) * 45 * 60_000).toISOString(),
        durationMs: 150,
        context: { environment: "production" },
        ...(failing ? { error: { code: "DB_UNREACHABLE", message: "timeout" } } : {}),
        summary: failing ? "failed" : "ok",
        data: {},
        warnings: [],
      });
    });
    await writeFile(path.join(dir, "runs.jsonl"), `${lines.join("\n")}\n`);

    const run = await runAction({ ...HEALTH_CHECK, "history-file": "runs.jsonl" });

    expect(run.code).toBe(0);
    const kinds = (JSON.parse(run.outputs.findings as string) as { kind: string }[]).map(
      (finding) => finding.kind,
    );
    expect(kinds).toContain("metric-anomaly");
    expect(kinds.some((kind) => kind !== "metric-anomaly")).toBe(true);
    expect(run.summary).toContain("**Run history** | 200 lines of production");
  });
});
