import type { AnalysisContext, Candidate, ScopeRuns } from "../candidate.ts";
import { runsByScope } from "../candidate.ts";
import { errorCodeHint } from "../errorCodeHints.ts";
import { DAY_MS, dayLabel, distinctDays, percent, round } from "../format.ts";
import { binomialUpperTail, confidenceOf } from "../statistics.ts";

const MIN_FAILURES = 5;
const MIN_RATE = 0.1;
const MIN_RATE_RATIO = 3;

interface Cluster {
  readonly scope: ScopeRuns;
  readonly code: string;
  readonly firstDay: number;
  readonly lastDay: number;
  readonly failures: number;
  readonly runs: number;
  readonly rateOutside: number;
  readonly pValue: number;
  readonly ongoing: boolean;
}

/**
 * Error-code clusters: for each function / operation / environment and error code, the span of
 * whole UTC days where the code's rate is highest against the rest of the history. Exact
 * conditional binomial test (given the code's total count, are they packed into the span's
 * runs?), Bonferroni over every span tried; the span must also hold ≥ 5 failures at ≥ 10 % and
 * 3× the rate outside.
 *
 * @example
 * const candidates = detectErrorClusters(context);
 */
export function detectErrorClusters(context: AnalysisContext): Candidate[] {
  let tests = 0;
  const clusters: Cluster[] = [];
  for (const scope of runsByScope(context.runs)) {
    const codes = new Set(scope.runs.map((run) => run.errorCode).filter((code) => code !== null));
    for (const code of codes) {
      const found = bestSpan(scope, code as string);
      tests += found.tests;
      if (found.cluster) clusters.push(found.cluster);
    }
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  return clusters
    .filter((cluster) => cluster.pValue < threshold)
    .map((cluster) => toCandidate(cluster, threshold));
}

function bestSpan(scope: ScopeRuns, code: string): { tests: number; cluster?: Cluster } {
  const firstDay = Math.floor((scope.runs[0]?.startedAt ?? 0) / DAY_MS);
  const days = Math.floor((scope.runs.at(-1)?.startedAt ?? 0) / DAY_MS) - firstDay + 1;
  const runsPerDay = new Array<number>(days).fill(0);
  const failuresPerDay = new Array<number>(days).fill(0);
  for (const run of scope.runs) {
    const day = Math.floor(run.startedAt / DAY_MS) - firstDay;
    runsPerDay[day] = (runsPerDay[day] ?? 0) + 1;
    if (run.errorCode === code) failuresPerDay[day] = (failuresPerDay[day] ?? 0) + 1;
  }
  const total = scope.runs.length;
  const totalFailures = failuresPerDay.reduce((sum, count) => sum + count, 0);
  if (totalFailures < MIN_FAILURES) return { tests: 0 };
  let tests = 0;
  let best: Cluster | undefined;
  for (let start = 0; start < days; start += 1) {
    let runs = 0;
    let failures = 0;
    for (let end = start; end < days; end += 1) {
      runs += runsPerDay[end] ?? 0;
      failures += failuresPerDay[end] ?? 0;
      if (runs === 0 || runs === total) continue;
      tests += 1;
      const rate = failures / runs;
      const rateOutside = (totalFailures - failures) / (total - runs);
      if (failures < MIN_FAILURES || rate < MIN_RATE || rate < MIN_RATE_RATIO * rateOutside)
        continue;
      const pValue = binomialUpperTail(failures, totalFailures, runs / total);
      if (best && pValue >= best.pValue) continue;
      best = {
        scope,
        code,
        firstDay: firstDay + start,
        lastDay: firstDay + end,
        failures,
        runs,
        rateOutside,
        pValue,
        ongoing: end === days - 1,
      };
    }
  }
  return best ? { tests, cluster: best } : { tests };
}

function toCandidate(cluster: Cluster, threshold: number): Candidate {
  const { scope, code } = cluster;
  const rate = cluster.failures / cluster.runs;
  const fromMs = cluster.firstDay * DAY_MS;
  const toMs = (cluster.lastDay + 1) * DAY_MS - 1;
  const label = `${scope.function}/${scope.operation}/${scope.environment}`;
  const when = cluster.ongoing
    ? `since ${dayLabel(fromMs)}`
    : cluster.firstDay === cluster.lastDay
      ? `on ${dayLabel(fromMs)}`
      : `from ${dayLabel(fromMs)} to ${dayLabel(toMs)}`;
  const headline = `Error code ${code} on ${label}: ${cluster.failures} of ${cluster.runs} runs (${percent(rate)}) ${when}`;
  const failureTimes = scope.runs
    .filter((run) => run.errorCode === code && run.startedAt >= fromMs && run.startedAt <= toMs)
    .map((run) => run.startedAt);
  return {
    kind: "error-cluster",
    scope: {
      function: scope.function,
      operation: scope.operation,
      environment: scope.environment,
      errorCode: code,
    },
    summary: `${headline}, ${percent(cluster.rateOutside)} otherwise`,
    evidence: {
      errorCode: code,
      failures: cluster.failures,
      runs: cluster.runs,
      rate: round(rate),
      rateOutside: round(cluster.rateOutside),
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      ongoing: cluster.ongoing,
      pValue: cluster.pValue,
    },
    nextAction: `${headline} — ${errorCodeHint(code)}.`,
    fromMs,
    toMs,
    strength: 0.5 * Math.min(1, rate / 0.5) + 0.5 * confidenceOf(cluster.pValue, threshold),
    recurrenceDays: distinctDays(failureTimes),
    failures: cluster.failures,
  };
}
