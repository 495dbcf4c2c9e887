import type { AnalysisContext, Candidate } from "../candidate.ts";
import { DAY_MS, dayLabel, round } from "../format.ts";
import { confidenceOf, fitLine, normalUpperTail } from "../statistics.ts";
import type { RunRecord } from "../types.ts";

/** Full days needed (the first and last, usually partial, are left out). */
const MIN_DAYS = 14;
const MIN_WEEKLY_GROWTH = 0.05;
/** Memory assumed when neither the record nor the function limits give one (Lambda's default). */
export const DEFAULT_MEMORY_MB = 128;

interface Metric {
  readonly name: "invocations" | "GB-seconds";
  readonly unit: string;
  readonly budgetPerDay: number;
  readonly budgetLabel: string;
  readonly perRun: (run: RunRecord) => number;
}

interface Growth {
  readonly metric: Metric;
  readonly levelNow: number;
  readonly perDaySlope: number;
  readonly weeklyGrowth: number;
  readonly daysToBudget: number;
  readonly pValue: number;
}

/**
 * Growth toward the cost triggers, per environment: daily invocations and GB-seconds (billed
 * duration × memory) regressed on the day, one-sided t-test of the slope (Bonferroni over
 * environments × metrics), growth ≥ 5 %/week, and a forecast crossing of the budget within the
 * horizon. Budgets default to the Lambda free tier (33 333 invocations/day, 400 000
 * GB-seconds/month).
 *
 * @example
 * const candidates = detectCostGrowth(context);
 */
export function detectCostGrowth(context: AnalysisContext): Candidate[] {
  const metrics: Metric[] = [
    {
      name: "invocations",
      unit: "/day",
      budgetPerDay: context.invocationsPerDay,
      budgetLabel: `${context.invocationsPerDay} invocations/day`,
      perRun: () => 1,
    },
    {
      name: "GB-seconds",
      unit: " GB-s/month",
      budgetPerDay: context.gbSecondsPerMonth / 30,
      budgetLabel: `${context.gbSecondsPerMonth} GB-seconds/month`,
      perRun: (run) =>
        (run.billedDurationMs / 1000) *
        ((run.memorySizeMb ?? context.functions[run.function]?.memorySizeMb ?? DEFAULT_MEMORY_MB) /
          1024),
    },
  ];
  const firstDay = Math.floor((context.runs[0]?.startedAt ?? 0) / DAY_MS) + 1;
  const lastDay = Math.floor((context.runs.at(-1)?.startedAt ?? 0) / DAY_MS) - 1;
  if (lastDay - firstDay + 1 < MIN_DAYS) return [];
  const environments = [...new Set(context.runs.map((run) => run.environment))];
  const found: { environment: string; growth: Growth }[] = [];
  let tests = 0;
  for (const environment of environments) {
    const runs = context.runs.filter((run) => run.environment === environment);
    for (const metric of metrics) {
      tests += 1;
      const growth = growthOf(runs, metric, firstDay, lastDay, context.horizonWeeks);
      if (growth) found.push({ environment, growth });
    }
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  const significant = found.filter(({ growth }) => growth.pValue < threshold);
  return environments.flatMap((environment) => {
    const growths = significant
      .filter((entry) => entry.environment === environment)
      .map((entry) => entry.growth)
      .sort((a, b) => a.daysToBudget - b.daysToBudget);
    return growths.length === 0
      ? []
      : [toCandidate(environment, growths, threshold, lastDay, context.horizonWeeks)];
  });
}

function growthOf(
  runs: readonly RunRecord[],
  metric: Metric,
  firstDay: number,
  lastDay: number,
  horizonWeeks: number,
): Growth | undefined {
  const perDay = new Array<number>(lastDay - firstDay + 1).fill(0);
  for (const run of runs) {
    const day = Math.floor(run.startedAt / DAY_MS) - firstDay;
    if (day >= 0 && day < perDay.length) perDay[day] = (perDay[day] ?? 0) + metric.perRun(run);
  }
  const line = fitLine(perDay.map((value, day) => [day, value]));
  const levelNow = line.intercept + line.slope * (perDay.length - 1);
  if (levelNow <= 0 || line.slope <= 0) return undefined;
  const weeklyGrowth = (7 * line.slope) / levelNow;
  const daysToBudget = Math.max(0, (metric.budgetPerDay - levelNow) / line.slope);
  if (weeklyGrowth < MIN_WEEKLY_GROWTH || daysToBudget > horizonWeeks * 7) return undefined;
  return {
    metric,
    levelNow,
    perDaySlope: line.slope,
    weeklyGrowth,
    daysToBudget,
    pValue: normalUpperTail(line.slope / line.slopeStandardError),
  };
}

function toCandidate(
  environment: string,
  growths: readonly Growth[],
  threshold: number,
  lastDay: number,
  horizonWeeks: number,
): Candidate {
  const lead = growths[0] as Growth;
  const describe = (growth: Growth) => {
    const level =
      growth.metric.name === "invocations"
        ? `${Math.round(growth.levelNow)}/day`
        : `${Math.round(growth.levelNow * 30)} GB-s/month`;
    const weeks = Math.round(growth.daysToBudget / 7);
    const when = weeks === 0 ? "is at" : `reaches in about ${weeks} weeks`;
    return `${growth.metric.name} grow ${Math.round(growth.weeklyGrowth * 100)} %/week (now ${level}) and ${when} the ${growth.metric.budgetLabel} trigger`;
  };
  const headline = `${environment}: ${growths.map(describe).join("; ")}`;
  const crossingMs = (lastDay + 1) * DAY_MS + lead.daysToBudget * DAY_MS;
  const evidence: Record<string, number | string> = {};
  for (const growth of growths) {
    const key = growth.metric.name === "invocations" ? "invocations" : "gbSeconds";
    evidence[`${key}PerDayNow`] = round(growth.levelNow);
    evidence[`${key}WeeklyGrowth`] = round(growth.weeklyGrowth);
    evidence[`${key}DaysToBudget`] = round(growth.daysToBudget);
    evidence[`${key}PValue`] = growth.pValue;
  }
  return {
    kind: "cost-growth",
    scope: { environment },
    summary: headline,
    evidence: { ...evidence, crossesAt: new Date(crossingMs).toISOString() },
    nextAction: `Before ${dayLabel(crossingMs)}: ${headline} — find which caller adds the runs (schedules, workflow triggers, retries; group the history by function and source) and cut it, right-size memory (max memory used vs configured), or raise the cost trigger deliberately.`,
    fromMs: (lastDay - 13) * DAY_MS,
    toMs: (lastDay + 1) * DAY_MS - 1,
    strength:
      0.5 * Math.max(0, 1 - lead.daysToBudget / (horizonWeeks * 7)) +
      0.5 * confidenceOf(lead.pValue, threshold),
    recurrenceDays: 14,
  };
}
