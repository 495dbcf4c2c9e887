/**
 * The analyze core: read an environment's ops-function metrics from CloudWatch, score every series
 * with the analytics core, add the run-history patterns when a history is given, rank it all.
 * Plain functions over injected dependencies (CloudWatch client, clock, pacing), so tests drive
 * it with aws-sdk-client-mock and a fake clock.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  analyzeRunHistory,
  type FunctionLimits,
  readRunHistory,
} from "../../analytics/patterns/index.ts";
import functionsFile from "../../infra/functions.auto.tfvars.json" with { type: "json" };
import { functionKeys } from "../kit/functions.ts";
import { type FetchPacing, fetchMetricSeries, MAX_QUERIES_PER_CALL } from "./fetch.ts";
import { type AnalyzeFinding, metricAnomalyFinding, rankAnalyzeFindings } from "./findings.ts";
import type { AnalyzeConfig } from "./inputs.ts";
import { type SeriesSpec, seriesForFunctions } from "./metrics.ts";
import { type ScoredSeries, scoreMetricSeries } from "./score.ts";

export interface AnalyzeDeps {
  readonly cloudwatch: Pick<CloudWatchClient, "send">;
  /** Epoch milliseconds now: the end of the analysis window. */
  readonly now: () => number;
  readonly pacing: FetchPacing;
  readonly progress?: (message: string) => void;
  /**
   * Sends the report somewhere people look (chat, issue). The notify module does not exist yet;
   * when it does, main.ts passes it here. Called only when there are findings.
   */
  readonly notify?: (report: AnalyzeReport) => Promise<void>;
}

/** One series read from CloudWatch, scored. */
export interface AnalyzedSeries {
  readonly spec: SeriesSpec;
  readonly scored: ScoredSeries;
}

/** How CloudWatch was read: the number the action prints. */
export interface MetricCallStats {
  readonly functions: number;
  readonly queries: number;
  /** ⌈queries / 500⌉: calls without extra pages or retries. */
  readonly batches: number;
  /** Calls made, with every page and retry. */
  readonly calls: number;
  readonly retries: number;
}

export interface AnalyzeReport {
  readonly config: AnalyzeConfig;
  readonly window: { readonly start: number; readonly end: number };
  readonly findings: readonly AnalyzeFinding[];
  /** The series with at least one anomaly, by query id. */
  readonly anomalousSeries: ReadonlyMap<string, AnalyzedSeries>;
  readonly stats: MetricCallStats;
  /** Series read, and how many had no datapoint at all. */
  readonly series: { readonly read: number; readonly empty: number };
  /** Run-history lines of this environment, when a history was given. */
  readonly historyEntries: number | undefined;
  readonly warnings: string[];
}

/**
 * Analyzes one environment: GetMetricData in batches of ≤ 500 queries over the lookback window
 * (aligned to the period), each series scored causally, anomalous series as findings, merged
 * with the run-history findings and ranked by severity.
 *
 * @example
 * const report = await analyzeEnvironment(config, { cloudwatch, now: Date.now, pacing: { sleep, random: Math.random } });
 * report.findings[0]?.severity;
 */
export async function analyzeEnvironment(
  config: AnalyzeConfig,
  deps: AnalyzeDeps,
): Promise<AnalyzeReport> {
  const progress = deps.progress ?? (() => {});
  const periodMs = config.periodSeconds * 1000;
  // Whole periods only: CloudWatch aligns datapoints to the period, and the last, still-filling
  // period would look like a drop.
  const end = Math.floor(deps.now() / periodMs) * periodMs;
  const start = end - config.lookbackHours * 3_600_000;
  const specs = seriesForFunctions(config.functions, config.environment, config.periodSeconds);
  const batches = Math.ceil(specs.length / MAX_QUERIES_PER_CALL);
  progress(
    `GetMetricData: ${specs.length} queries for ${config.functions.length} functions → ${batches} calls of ≤ ${MAX_QUERIES_PER_CALL} queries (plus pages)`,
  );
  const fetched = await fetchMetricSeries(
    deps.cloudwatch,
    specs,
    { start: new Date(start), end: new Date(end) },
    deps.pacing,
  );
  progress(
    `GetMetricData: ${fetched.calls} calls made (${fetched.batches} batches, ${fetched.calls - fetched.batches - fetched.retries} extra pages, ${fetched.retries} throttling retries)`,
  );
  const anomalousSeries = new Map<string, AnalyzedSeries>();
  const metricFindings: AnalyzeFinding[] = [];
  let empty = 0;
  for (const spec of specs) {
    const datapoints = fetched.datapoints.get(spec.id) ?? [];
    if (datapoints.length === 0) {
      empty += 1;
      continue;
    }
    const scored = scoreMetricSeries(datapoints, config);
    const finding = metricAnomalyFinding(spec, scored, config.environment);
    if (!finding) continue;
    metricFindings.push(finding);
    anomalousSeries.set(spec.id, { spec, scored });
  }
  const history = config.historyFile
    ? await analyzeHistory(config.historyFile, config.environment)
    : undefined;
  const report: AnalyzeReport = {
    config,
    window: { start, end },
    findings: rankAnalyzeFindings([...metricFindings, ...(history?.findings ?? [])]),
    anomalousSeries,
    stats: {
      functions: config.functions.length,
      queries: specs.length,
      batches: fetched.batches,
      calls: fetched.calls,
      retries: fetched.retries,
    },
    series: { read: specs.length, empty },
    historyEntries: history?.entries,
    warnings: [...fetched.warnings],
  };
  if (deps.notify && report.findings.length > 0) {
    try {
      await deps.notify(report);
    } catch (error) {
      // The analysis stands without the notification; say so instead of failing the step.
      report.warnings.push(`Notification failed: ${(error as Error).message}`);
    }
  }
  return report;
}

/**
 * The history's patterns in this environment: its own runs and deploy markers, and records that
 * do not say (local invocation records); other environments' lines are left out.
 */
async function analyzeHistory(file: string, environment: string) {
  const entries = (await readRunHistory(file, { knownFunctions: functionKeys() })).filter(
    (entry) => entry.environment === environment || entry.environment === "unknown",
  );
  return { entries: entries.length, findings: analyzeRunHistory(entries, { functions: LIMITS }) };
}

/** Timeout and memory of each function, for the history's duration and cost patterns. */
const LIMITS: Readonly<Record<string, FunctionLimits>> = Object.fromEntries(
  Object.entries(functionsFile.functions).map(([key, config]) => [
    key,
    { timeoutSeconds: config.timeout, memorySizeMb: config.memory_size },
  ]),
);
