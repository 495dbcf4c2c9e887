import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AnalyzeDeps,
  type AnalyzeReport,
  analyzeEnvironment,
} from "../../actions/analyze/analyze.ts";
import { chartData, MAX_CHART_POINTS, mermaidChart } from "../../actions/analyze/chart.ts";
import type { MetricAnomalyFinding } from "../../actions/analyze/findings.ts";
import type { AnalyzeConfig } from "../../actions/analyze/inputs.ts";
import { seriesForFunction } from "../../actions/analyze/metrics.ts";
import { analyzeOutputs, findingsJson } from "../../actions/analyze/outputs.ts";
import { analyzeReportMarkdown } from "../../actions/analyze/report.ts";
import { scoreMetricSeries } from "../../actions/analyze/score.ts";
import { MAX_SUMMARY_BYTES } from "../../actions/kit/summary.ts";
import { severityOf } from "../../analytics/patterns/index.ts";
import { answerGetMetricData, steady } from "./analyze-action-helpers.ts";

const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => cloudwatch.reset());

const NOW = Date.UTC(2026, 10, 20, 12, 2, 17);
const END = Date.UTC(2026, 10, 20, 12, 0, 0);
const START = END - 168 * 3_600_000;
const SPIKE_AT = START + 5 * 86_400_000 + 3_600_000;

const CONFIG: AnalyzeConfig = {
  environment: "production",
  region: "eu-west-1",
  functions: [
    { functionName: "ops-production-health-check", functionKey: "health-check" },
    { functionName: "ops-production-migration", functionKey: "migration" },
  ],
  lookbackHours: 168,
  periodSeconds: 300,
  historyFile: undefined,
  detector: "ensemble",
  threshold: 0.5,
  failOnSeverity: undefined,
};

function deps(overrides: Partial<AnalyzeDeps> = {}): AnalyzeDeps {
  return {
    cloudwatch: new CloudWatchClient({ region: "eu-west-1" }),
    now: () => NOW,
    pacing: { sleep: async () => {}, random: () => 0.5 },
    ...overrides,
  };
}

const isMetric = (query: MetricDataQuery, namespace: string, name: string, fn: string) =>
  query.MetricStat?.Metric?.Namespace === namespace &&
  query.MetricStat.Metric.MetricName === name &&
  (query.MetricStat.Metric.Dimensions ?? []).some((d) => d.Value === fn);

/** Steady Lambda metrics, health-check's errors spiking once; the kit's metrics are silent. */
function withSpike(query: MetricDataQuery, at: number): number | undefined {
  if (query.MetricStat?.Metric?.Namespace === "OpsLambdas") return undefined;
  if (isMetric(query, "AWS/Lambda", "Errors", "ops-production-health-check")) {
    return at === SPIKE_AT ? 40 : 0;
  }
  return steady(query.MetricStat?.Metric?.MetricName === "Duration" ? 800 : 12, at);
}

describe("analyzeEnvironment", () => {
  it("flags an injected spike as a metric-anomaly finding weighted by the environment", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, withSpike));
    const progress: string[] = [];

    const report = await analyzeEnvironment(CONFIG, deps({ progress: (m) => progress.push(m) }));

    const sent = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(sent?.StartTime).toEqual(new Date(START));
    expect(sent?.EndTime).toEqual(new Date(END));
    expect(report.stats).toEqual({ functions: 2, queries: 33, batches: 1, calls: 1, retries: 0 });
    expect(progress[0]).toBe(
      "GetMetricData: 33 queries for 2 functions → 1 calls of ≤ 500 queries (plus pages)",
    );
    expect(report.series).toEqual({ read: 33, empty: 23 });
    const spike = report.findings[0] as MetricAnomalyFinding;
    expect(spike).toMatchObject({
      kind: "metric-anomaly",
      scope: { environment: "production", function: "health-check", metric: "Errors" },
      evidence: { peakValue: 40, peakAt: new Date(SPIKE_AT).toISOString() },
    });
    expect(spike.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    const peakScore = spike.evidence.peakScore as number;
    expect(peakScore).toBeGreaterThanOrEqual(0.5);
    expect(spike.severity).toBeCloseTo(
      severityOf({ strength: peakScore, environment: "production", recurrenceDays: 1 }),
      2,
    );
    expect(report.anomalousSeries.get(spike.seriesId)?.spec.metric).toBe("Errors");
  });

  it("weights the same spike lower in staging than in production", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, withSpike));
    const production = await analyzeEnvironment(CONFIG, deps());
    const staging = await analyzeEnvironment({ ...CONFIG, environment: "staging" }, deps());

    expect(staging.findings[0]?.severity).toBeLessThan(production.findings[0]?.severity ?? 0);
  });

  it("merges run-history findings into the same ranking", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, withSpike));
    const dir = await mkdtemp(path.join(tmpdir(), "analyze-history-"));
    const historyFile = path.join(dir, "runs.jsonl");
    await writeFile(historyFile, failingHistory("production"));

    const report = await analyzeEnvironment({ ...CONFIG, historyFile }, deps());

    const kinds = report.findings.map((finding) => finding.kind);
    expect(kinds).toContain("metric-anomaly");
    expect(kinds.some((kind) => kind !== "metric-anomaly")).toBe(true);
    const severities = report.findings.map((finding) => finding.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    expect(report.historyEntries).toBe(300);
  });

  it("hands the report to the notify seam when there are findings", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, withSpike));
    const notified: AnalyzeReport[] = [];

    const report = await analyzeEnvironment(
      CONFIG,
      deps({ notify: async (sent) => void notified.push(sent) }),
    );

    expect(notified).toEqual([report]);
  });

  it("keeps the analysis when the notification fails, with a warning", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, withSpike));

    const report = await analyzeEnvironment(
      CONFIG,
      deps({
        notify: async () => {
          throw new Error("webhook unreachable");
        },
      }),
    );

    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.warnings).toContain("Notification failed: webhook unreachable");
  });
});

/** 300 runs over 10 days; on day 6 the check fails 40 times in a row with one error code. */
function failingHistory(environment: string): string {
  const lines: string[] = [];
  for (let index = 0; index < 300; index += 1) {
    const startedAt = new Date(START + index * 48 * 60_000).toISOString();
    const failing = index >= 180 && index < 220;
    lines.push(
      JSON.stringify({
        ok: !failing,
        function: "health-check",
        operation: "check",
        requestId: `r-${index}`,
        startedAt,
        durationMs: 120,
        context: { environment },
        ...(failing ? { error: { code: "DB_UNREACHABLE", message: "timeout" } } : {}),
        summary: failing ? "failed" : "ok",
        data: {},
        warnings: [],
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("mermaidChart", () => {
  const points = Array.from({ length: 2016 }, (_, index) => ({
    at: START + index * 300_000,
    value: index === 1500 ? 90 : steady(10, START + index * 300_000),
  }));
  const scored = scoreMetricSeries(points, { detector: "ensemble", threshold: 0.5 });
  const options = {
    title: 'ops-production-migration · Errors "quoted"',
    yLabel: "Errors (count)",
    windowStart: START,
    windowEnd: END,
  };

  it("is a well-formed xychart-beta: title, axes, a line and a bar of equal length ≤ 100", () => {
    const chart = mermaidChart(scored, options);

    const lines = chart.split("\n");
    expect(lines[0]).toBe("```mermaid");
    expect(lines.at(-1)).toBe("```");
    expect(lines[1]).toMatch(/^%%\{init: .*\}%%$/);
    expect(JSON.parse((lines[1] as string).slice(8, -3))).toMatchObject({
      themeVariables: { xyChart: { plotColorPalette: expect.any(String) } },
    });
    expect(lines[2]).toBe("xychart-beta");
    expect(lines[3]).toBe(`  title "ops-production-migration · Errors 'quoted'"`);
    expect(lines[4]).toMatch(/^ {2}x-axis "hours since 2026-11-13T12:00Z" 0 --> 168$/);
    expect(lines[5]).toMatch(/^ {2}y-axis "Errors \(count\)" 0 --> [\d.]+$/);
    const series = (prefix: string) => {
      const line = lines.find((text) => text.startsWith(`  ${prefix} [`)) as string;
      expect(line).toMatch(new RegExp(`^ {2}${prefix} \\[-?[\\d.]+(, -?[\\d.]+)*\\]$`));
      return line
        .slice(prefix.length + 4, -1)
        .split(", ")
        .map(Number);
    };
    const line = series("line");
    const bar = series("bar");
    expect(line).toHaveLength(MAX_CHART_POINTS);
    expect(bar).toHaveLength(MAX_CHART_POINTS);
    expect(line.every(Number.isFinite)).toBe(true);
    const yMax = Number(/--> ([\d.]+)$/.exec(lines[5] as string)?.[1]);
    expect(Math.max(...line, ...bar)).toBeLessThanOrEqual(yMax);
  });

  it("keeps the anomaly visible after downsampling: its bucket shows the spike as line and bar", () => {
    const { line, bar } = chartData(scored, { windowStart: START, windowEnd: END });

    const bucket = Math.floor(((points[1500]?.at ?? 0) - START) / ((END - START) / 100));
    expect(scored.anomalies).toContain(1500);
    expect(line[bucket]).toBe(90);
    expect(bar[bucket]).toBe(90);
    expect(bar.filter((value) => value > 0)).toHaveLength(
      new Set(
        scored.anomalies.map((i) =>
          Math.floor(((points[i]?.at ?? 0) - START) / ((END - START) / 100)),
        ),
      ).size,
    );
  });

  it("averages each time bucket and fills an empty one (a gap) with the previous value", () => {
    const hour = 3_600_000;
    const sparse = scoreMetricSeries(
      [3, 5, 7]
        .map((value, index) => ({ at: START + index * 10 * hour, value }))
        .concat([{ at: START + 150 * hour, value: 9 }]),
      { detector: "ensemble", threshold: 0.5 },
    );

    expect(chartData(sparse, { windowStart: START, windowEnd: END })).toEqual({
      line: [5, 5, 5, 9],
      bar: [0, 0, 0, 0],
    });
  });
});

describe("analyzeReportMarkdown", () => {
  it("ranks the findings in a table and charts each anomalous series", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, withSpike));
    const report = await analyzeEnvironment(CONFIG, deps());

    const markdown = analyzeReportMarkdown(report);

    expect(markdown).toMatch(/^## Analyze production: \d+ findings?, top severity 0\.\d\d\n/);
    expect(markdown).toContain("| # | Severity | Kind | Where | Finding | Next |");
    expect(markdown).toContain("| 1 | ");
    expect(markdown).toContain("health-check · Errors");
    expect(markdown).toContain("#### 1. ops-production-health-check · Errors");
    expect(markdown.match(/```mermaid/g)).toHaveLength(report.anomalousSeries.size);
    expect(markdown).toContain("**GetMetricData** | 33 queries in 1 batches of ≤ 500 → 1 calls");
  });

  it("says so when nothing is anomalous", async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => answerGetMetricData(input, () => 1));
    const report = await analyzeEnvironment(CONFIG, deps());

    expect(report.findings).toEqual([]);
    expect(analyzeReportMarkdown(report)).toMatch(/^## Analyze production: ✅ no findings\n/);
  });

  it("stays under the 1 MiB summary cap with whole charts, counting the ones left out", () => {
    const report = manyAnomalies(3000);

    const markdown = analyzeReportMarkdown(report);

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    const opened = markdown.match(/^```mermaid$/gm)?.length ?? 0;
    expect(opened).toBeGreaterThan(50);
    expect(opened).toBeLessThan(3000);
    expect(markdown.match(/^```$/gm)).toHaveLength(opened);
    expect(markdown).toMatch(
      new RegExp(`_${3000 - opened} more charts left out: the summary limit is 1 MiB\\._`),
    );
    expect(markdown).toContain("_2800 more findings are in the `findings` output._");
  });
});

describe("analyzeOutputs", () => {
  it("sets the count, top severity, findings JSON and report path", () => {
    const report = manyAnomalies(3);

    expect(analyzeOutputs(report, "/tmp/report.md")).toEqual({
      anomalies: "3",
      "top-severity": String(report.findings[0]?.severity),
      findings: JSON.stringify(report.findings),
      report: "/tmp/report.md",
    });
  });

  it("cuts the findings JSON to the most severe that fit, still an array", () => {
    const { findings } = manyAnomalies(3000);

    const text = findingsJson(findings, 100_000);

    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100_000);
    const parsed = JSON.parse(text) as { fingerprint: string }[];
    expect(parsed.length).toBeGreaterThan(10);
    expect(parsed.map((f) => f.fingerprint)).toEqual(
      findings.slice(0, parsed.length).map((f) => f.fingerprint),
    );
  });
});

/** A report with `count` anomalous series (synthetic, one spike each). */
function manyAnomalies(count: number): AnalyzeReport {
  const specs = Array.from({ length: Math.ceil(count / 5) }, (_, index) =>
    seriesForFunction({ functionName: `ops-production-fn-${index}` }, "production", 300, index * 5),
  )
    .flat()
    .slice(0, count);
  const points = Array.from({ length: 2016 }, (_, index) => ({
    at: START + index * 300_000,
    value: 10 + (index % 7),
    score: index === 1800 ? 0.9 : 0.01,
  }));
  const scored = { points, anomalies: [1800], peakScore: 0.9, probation: 302 };
  const anomalousSeries = new Map(specs.map((spec) => [spec.id, { spec, scored }]));
  const findings: MetricAnomalyFinding[] = specs.map((spec, index) => ({
    fingerprint: index.toString(16).padStart(12, "0"),
    kind: "metric-anomaly",
    scope: { environment: "production", function: spec.functionName, metric: spec.metric },
    severity: 0.9 - index / 10_000,
    summary: `${spec.metric} of ${spec.functionName} was anomalous once`,
    evidence: { peakScore: 0.9 },
    nextAction: `Read the logs of ${spec.functionName}.`,
    window: { from: new Date(END).toISOString(), to: new Date(END).toISOString() },
    related: [],
    seriesId: spec.id,
  }));
  return {
    config: CONFIG,
    window: { start: START, end: END },
    findings,
    anomalousSeries,
    stats: { functions: specs.length / 5, queries: count, batches: 1, calls: 1, retries: 0 },
    series: { read: count, empty: 0 },
    historyEntries: undefined,
    warnings: [],
  };
}
