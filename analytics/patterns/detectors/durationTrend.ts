import { quantile } from "simple-statistics";
import type { AnalysisContext, Candidate, ScopeRuns } from "../candidate.ts";
import { runsByScope } from "../candidate.ts";
import { DAY_MS, dayLabel, distinctDays, durationLabel, round, WEEK_MS } from "../format.ts";
import { confidenceOf, fitLine, normalUpperTail } from "../statistics.ts";

const MIN_RUNS = 30;
const MIN_SPAN_MS = 7 * DAY_MS;
/** Slower growth than this is not worth a finding, however significant. */
const MIN_WEEKLY_GROWTH = 0.02;

interface Trend {
  readonly scope: ScopeRuns;
  readonly weeklyGrowth: number;
  readonly p95NowMs: number;
  readonly limit: { readonly ms: number; readonly name: string } | undefined;
  readonly weeksToLimit: number | undefined;
  readonly pValue: number;
  readonly lastMs: number;
}

/**
 * Duration trends: log-duration of successful runs regressed on time (simple-statistics
 * `linearRegression`), one-sided t-test of the slope, Bonferroni over scopes; growth must be
 * ≥ 2 %/week. The p95 line (fit + 95th percentile of residuals) is projected to the function's
 * timeout (`infra/functions.auto.tfvars.json`) or a tighter duration budget; a crossing beyond
 * the horizon is no finding.
 *
 * @example
 * const candidates = detectDurationTrends(context); // "migrate p95 grows 4 %/week; reaches the 900 s timeout in about 6 weeks"
 */
export function detectDurationTrends(context: AnalysisContext): Candidate[] {
  const scopes = runsByScope(context.runs);
  const trends: Trend[] = [];
  let tests = 0;
  for (const scope of scopes) {
    const ok = scope.runs.filter((run) => run.ok);
    const firstMs = ok[0]?.startedAt ?? 0;
    const lastMs = ok.at(-1)?.startedAt ?? 0;
    if (ok.length < MIN_RUNS || lastMs - firstMs < MIN_SPAN_MS) continue;
    tests += 1;
    const line = fitLine(
      ok.map((run) => [(run.startedAt - firstMs) / WEEK_MS, Math.log(Math.max(1, run.durationMs))]),
    );
    const weeklyGrowth = Math.expm1(line.slope);
    if (weeklyGrowth < MIN_WEEKLY_GROWTH) continue;
    const p95NowMs = Math.exp(
      line.intercept +
        line.slope * ((lastMs - firstMs) / WEEK_MS) +
        quantile([...line.residuals], 0.95),
    );
    const limit = limitOf(context, scope.function);
    const weeksToLimit = limit
      ? Math.max(0, Math.log(limit.ms / p95NowMs) / line.slope)
      : undefined;
    if (weeksToLimit !== undefined && weeksToLimit > context.horizonWeeks) continue;
    const pValue = normalUpperTail(line.slope / line.slopeStandardError);
    trends.push({ scope, weeklyGrowth, p95NowMs, limit, weeksToLimit, pValue, lastMs });
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  return trends
    .filter((trend) => trend.pValue < threshold)
    .map((trend) => toCandidate(trend, threshold, context.horizonWeeks));
}

function limitOf(
  context: AnalysisContext,
  functionKey: string,
): { ms: number; name: string } | undefined {
  const timeoutSeconds = context.functions[functionKey]?.timeoutSeconds;
  const budgetMs = context.durationBudgetsMs[functionKey];
  const timeout =
    timeoutSeconds === undefined
      ? undefined
      : { ms: timeoutSeconds * 1000, name: `the ${timeoutSeconds} s timeout` };
  const budget =
    budgetMs === undefined
      ? undefined
      : { ms: budgetMs, name: `the ${durationLabel(budgetMs)} budget` };
  if (timeout && budget) return budget.ms < timeout.ms ? budget : timeout;
  return timeout ?? budget;
}

function toCandidate(trend: Trend, threshold: number, horizonWeeks: number): Candidate {
  const { scope } = trend;
  const label = `${scope.function}/${scope.operation}/${scope.environment}`;
  const growth = `${(trend.weeklyGrowth * 100).toFixed(trend.weeklyGrowth < 0.1 ? 1 : 0)} %/week`;
  const forecast =
    trend.limit === undefined || trend.weeksToLimit === undefined
      ? ""
      : trend.weeksToLimit === 0
        ? `; already over ${trend.limit.name}`
        : `; reaches ${trend.limit.name} in about ${Math.max(1, Math.round(trend.weeksToLimit))} weeks`;
  const headline = `${label}: ${scope.operation} p95 grows ${growth} (now ${durationLabel(trend.p95NowMs)})${forecast}`;
  const crossingMs =
    trend.weeksToLimit === undefined ? undefined : trend.lastMs + trend.weeksToLimit * WEEK_MS;
  const deadline = crossingMs === undefined ? "" : `Before ${dayLabel(crossingMs)}: `;
  const effect =
    trend.weeksToLimit === undefined
      ? Math.min(1, trend.weeklyGrowth / 0.1)
      : Math.max(0, 1 - trend.weeksToLimit / horizonWeeks);
  return {
    kind: "duration-trend",
    scope: { function: scope.function, operation: scope.operation, environment: scope.environment },
    summary: headline,
    evidence: {
      weeklyGrowth: round(trend.weeklyGrowth),
      p95NowMs: Math.round(trend.p95NowMs),
      limitMs: trend.limit?.ms ?? null,
      weeksToLimit: trend.weeksToLimit === undefined ? null : round(trend.weeksToLimit),
      crossesAt: crossingMs === undefined ? null : new Date(crossingMs).toISOString(),
      runs: scope.runs.filter((run) => run.ok).length,
      pValue: trend.pValue,
    },
    nextAction: `${deadline}${headline} — find what makes ${scope.operation} slower week after week (growing tables scanned, missing indexes, lock waits; compare per-migration durations in the OpsLambdas metrics) and fix it, or split the work / raise the timeout deliberately.`,
    fromMs: scope.runs[0]?.startedAt ?? 0,
    toMs: trend.lastMs,
    strength: 0.5 * effect + 0.5 * confidenceOf(trend.pValue, threshold),
    recurrenceDays: distinctDays(scope.runs.map((run) => run.startedAt)),
  };
}
