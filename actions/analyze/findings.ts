/**
 * Anomalous metric series as findings beside the run-history patterns of analytics/patterns:
 * same fields (fingerprint, kind, scope, severity, summary, evidence, nextAction, window), same
 * severity scale (the patterns module's `severityOf`: strength × environment weight ×
 * recurrence), one ranking.
 */
import { createHash } from "node:crypto";
import { type Finding, type FindingScope, severityOf } from "../../analytics/patterns/index.ts";
import type { SeriesSpec } from "./metrics.ts";
import type { ScoredSeries } from "./score.ts";

/** Where a metric anomaly applies: the function (and operation) and the metric. */
export interface MetricAnomalyScope extends FindingScope {
  readonly function: string;
  readonly metric: string;
}

/** An anomalous CloudWatch series, shaped like a run-history finding. */
export interface MetricAnomalyFinding extends Omit<Finding, "kind" | "scope"> {
  readonly kind: "metric-anomaly";
  readonly scope: MetricAnomalyScope;
  /** The query id of the series (links the finding to its chart). */
  readonly seriesId: string;
}

/** What the action reports: run-history patterns and metric anomalies, ranked together. */
export type AnalyzeFinding = Finding | MetricAnomalyFinding;

const DAY_MS = 86_400_000;

/**
 * The finding of one scored series, or undefined when none of its points reached the threshold.
 * Strength is the series' peak score; recurrence the distinct UTC days with anomalies.
 *
 * @example
 * const finding = metricAnomalyFinding(spec, scored, "production");
 */
export function metricAnomalyFinding(
  spec: SeriesSpec,
  scored: ScoredSeries,
  environment: string,
): MetricAnomalyFinding | undefined {
  if (scored.anomalies.length === 0) return undefined;
  const anomalous = scored.anomalies.map((index) => scored.points[index]).filter((p) => !!p);
  const peak = anomalous.reduce((best, point) => (point.score > best.score ? point : best));
  const days = new Set(anomalous.map((point) => Math.floor(point.at / DAY_MS))).size;
  const scope: MetricAnomalyScope = {
    environment,
    function: spec.functionKey ?? spec.functionName,
    ...(spec.operation ? { operation: spec.operation } : {}),
    metric: spec.metric,
  };
  const where = `${spec.functionName}${spec.operation ? ` ${spec.operation}` : ""}`;
  return {
    fingerprint: metricFingerprint(scope),
    kind: "metric-anomaly",
    scope,
    severity: severityOf({ strength: peak.score, environment, recurrenceDays: days }),
    summary: `${spec.metric} of ${where} was anomalous ${anomalous.length === 1 ? "once" : `${anomalous.length} times`}: ${formatValue(peak.value)} ${spec.unit} at ${new Date(peak.at).toISOString()} (score ${peak.score.toFixed(2)})`,
    evidence: {
      peakScore: round(peak.score),
      peakValue: round(peak.value),
      peakAt: new Date(peak.at).toISOString(),
      anomalousPoints: anomalous.length,
      points: scored.points.length,
      median: round(median(scored.points.map((point) => point.value))),
      unit: spec.unit,
    },
    nextAction: nextActionFor(spec, peak.at),
    window: {
      from: new Date((anomalous[0] ?? peak).at).toISOString(),
      to: new Date((anomalous.at(-1) ?? peak).at).toISOString(),
    },
    related: [],
    seriesId: spec.id,
  };
}

/**
 * Both kinds of findings in one ranking: severity first, then fingerprint (stable order).
 *
 * @example
 * const ranked = rankAnalyzeFindings([...historyFindings, ...metricFindings]);
 */
export function rankAnalyzeFindings(findings: readonly AnalyzeFinding[]): AnalyzeFinding[] {
  return [...findings].sort(
    (a, b) => b.severity - a.severity || a.fingerprint.localeCompare(b.fingerprint),
  );
}

/**
 * A metric anomaly's stable id: SHA-256 over kind and scope (never the numbers), like the
 * run-history fingerprints, so the same series keeps its id from one run to the next.
 *
 * @example
 * metricFingerprint({ environment: "staging", function: "migration", metric: "Errors" });
 */
export function metricFingerprint(scope: MetricAnomalyScope): string {
  const canonical = [
    "metric-anomaly",
    `environment=${scope.environment}`,
    `function=${scope.function}`,
    `operation=${scope.operation ?? ""}`,
    `metric=${scope.metric}`,
  ];
  return createHash("sha256").update(canonical.join("\n")).digest("hex").slice(0, 12);
}

function nextActionFor(spec: SeriesSpec, at: number): string {
  const around = `around ${new Date(at).toISOString()}`;
  const logs = `the logs of ${spec.functionName} ${around}`;
  if (/Errors|Failure/.test(spec.metric))
    return `Read ${logs} (error codes, stack traces) and the runs' result envelopes.`;
  if (/Throttles|ConcurrentExecutions/.test(spec.metric))
    return `Compare concurrency ${around} with the function's reserved concurrency; look for a caller retrying in a loop or raise the limit.`;
  if (/Duration/.test(spec.metric))
    return `Compare the slow runs ${around} with the function's timeout; check the database (locks, slow queries) and recent deploys.`;
  if (/Memory/.test(spec.metric))
    return `Compare memory used ${around} with the function's memory_size; look for a leak or a larger payload.`;
  if (/ColdStart|InitDuration/.test(spec.metric))
    return `Check that the warmer ran ${around} and whether a deploy or scale-out caused new instances.`;
  return `Look at ${logs} and at what triggered the function.`;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * A number as a person reads it: at most 4 significant digits, no exponent for ordinary sizes.
 *
 * @example
 * formatValue(1234.5678); // "1235"
 */
export function formatValue(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
