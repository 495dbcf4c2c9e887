import type { AnalysisContext, Candidate, ScopeRuns } from "../candidate.ts";
import { runsByScope } from "../candidate.ts";
import { DAY_MS, percent, round, WEEK_MS } from "../format.ts";

const WEEKDAY_NAMES = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;

import { binomialUpperTail, chiSquaredUpperTail, confidenceOf } from "../statistics.ts";

const MIN_FAILURES = 10;
const MIN_RATE_RATIO = 3;
const MIN_RATE_EXCESS = 0.1;
/** The peak must recur on this many distinct days (hours) or weeks (weekdays)… */
const MIN_OCCURRENCES = 3;
/** …and no single day may hold more than this share of it (a one-off burst is not a cycle). */
const MAX_SHARE_OF_ONE_DAY = 0.5;

interface Period {
  readonly name: "hour-of-day" | "day-of-week";
  readonly bins: number;
  readonly binOf: (ms: number) => number;
  readonly occurrenceOf: (ms: number) => number;
  readonly label: (bin: number) => string;
}

const PERIODS: readonly Period[] = [
  {
    name: "hour-of-day",
    bins: 24,
    binOf: (ms) => new Date(ms).getUTCHours(),
    occurrenceOf: (ms) => Math.floor(ms / DAY_MS),
    label: (bin) => `${String(bin).padStart(2, "0")}:00–${String(bin + 1).padStart(2, "0")}:00 UTC`,
  },
  {
    name: "day-of-week",
    bins: 7,
    binOf: (ms) => new Date(ms).getUTCDay(),
    occurrenceOf: (ms) => Math.floor(ms / WEEK_MS),
    label: (bin) => `${WEEKDAY_NAMES[bin]}s (UTC)`,
  },
];

interface Peak {
  readonly scope: ScopeRuns;
  readonly period: Period;
  readonly bin: number;
  readonly failures: number;
  readonly runs: number;
  readonly rateOutside: number;
  readonly chiSquared: number;
  readonly degrees: number;
  readonly pValue: number;
  readonly failureTimes: readonly number[];
}

/**
 * Recurring time concentration: failures of a function / operation / environment packed into one
 * UTC hour of the day or one weekday. A χ² test of independence (hour × outcome) and an exact
 * conditional binomial test of the peak bin (Bonferroni over bins) must both pass the
 * false-alarm threshold; the peak must be 3× the rate elsewhere and recur on ≥ 3 days or weeks.
 *
 * @example
 * const candidates = detectTimeConcentration(context);
 */
export function detectTimeConcentration(context: AnalysisContext): Candidate[] {
  let tests = 0;
  const peaks: Peak[] = [];
  for (const scope of runsByScope(context.runs)) {
    if (scope.runs.filter((run) => !run.ok).length < MIN_FAILURES) continue;
    for (const period of PERIODS) {
      tests += 1;
      const peak = peakOf(scope, period);
      if (peak) peaks.push(peak);
    }
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  return peaks
    .filter((peak) => Math.max(peak.pValue, chiSquaredPValue(peak)) < threshold)
    .map((peak) => toCandidate(peak, threshold));
}

function chiSquaredPValue(peak: Peak): number {
  return chiSquaredUpperTail(peak.chiSquared, peak.degrees);
}

function peakOf(scope: ScopeRuns, period: Period): Peak | undefined {
  const runs = new Array<number>(period.bins).fill(0);
  const failureTimes: number[][] = Array.from({ length: period.bins }, () => []);
  for (const run of scope.runs) {
    const bin = period.binOf(run.startedAt);
    runs[bin] = (runs[bin] ?? 0) + 1;
    if (!run.ok) failureTimes[bin]?.push(run.startedAt);
  }
  const total = scope.runs.length;
  const totalFailures = failureTimes.reduce((sum, times) => sum + times.length, 0);
  const failureRate = totalFailures / total;
  let chiSquared = 0;
  let usedBins = 0;
  let best: { bin: number; pValue: number } | undefined;
  runs.forEach((binRuns, bin) => {
    if (binRuns === 0) return;
    usedBins += 1;
    const failures = failureTimes[bin]?.length ?? 0;
    const expectedFailures = binRuns * failureRate;
    const expectedSuccesses = binRuns - expectedFailures;
    chiSquared +=
      (failures - expectedFailures) ** 2 / expectedFailures +
      (binRuns - failures - expectedSuccesses) ** 2 / expectedSuccesses;
    const pValue = Math.min(
      1,
      period.bins * binomialUpperTail(failures, totalFailures, binRuns / total),
    );
    if (!best || pValue < best.pValue) best = { bin, pValue };
  });
  if (!best || usedBins < 2) return undefined;
  const { bin, pValue } = best;
  const times = failureTimes[bin] ?? [];
  const binRuns = runs[bin] ?? 0;
  const rate = times.length / binRuns;
  const rateOutside = (totalFailures - times.length) / Math.max(1, total - binRuns);
  if (rate < MIN_RATE_RATIO * rateOutside || rate - rateOutside < MIN_RATE_EXCESS) return undefined;
  if (!recurs(times, period)) return undefined;
  return {
    scope,
    period,
    bin,
    failures: times.length,
    runs: binRuns,
    rateOutside,
    chiSquared,
    degrees: usedBins - 1,
    pValue,
    failureTimes: times,
  };
}

function recurs(times: readonly number[], period: Period): boolean {
  const perOccurrence = new Map<number, number>();
  const perDay = new Map<number, number>();
  for (const time of times) {
    const occurrence = period.occurrenceOf(time);
    perOccurrence.set(occurrence, (perOccurrence.get(occurrence) ?? 0) + 1);
    const day = Math.floor(time / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const busiestDay = Math.max(...perDay.values());
  return perOccurrence.size >= MIN_OCCURRENCES && busiestDay <= MAX_SHARE_OF_ONE_DAY * times.length;
}

function toCandidate(peak: Peak, threshold: number): Candidate {
  const { scope, period } = peak;
  const rate = peak.failures / peak.runs;
  const label = `${scope.function}/${scope.operation}/${scope.environment}`;
  const when = period.label(peak.bin);
  const occurrences = new Set(peak.failureTimes.map(period.occurrenceOf)).size;
  const unit = period.name === "hour-of-day" ? "days" : "weeks";
  const headline = `Failures of ${label} concentrate at ${when}: ${peak.failures} of ${peak.runs} runs (${percent(rate)}) vs ${percent(peak.rateOutside)} at other times, on ${occurrences} ${unit}`;
  const pValue = Math.max(peak.pValue, chiSquaredPValue(peak));
  return {
    kind: "time-concentration",
    scope: {
      function: scope.function,
      operation: scope.operation,
      environment: scope.environment,
      period: period.name,
    },
    summary: headline,
    evidence: {
      peak: when,
      failures: peak.failures,
      runs: peak.runs,
      rate: round(rate),
      rateOutside: round(peak.rateOutside),
      occurrences,
      chiSquared: round(peak.chiSquared),
      degreesOfFreedom: peak.degrees,
      pValue,
    },
    nextAction: `${headline} — something scheduled then competes with it: look for backups, vacuum or batch jobs, maintenance windows and cron-driven load at that time, and move one of them (or this schedule) away.`,
    fromMs: Math.min(...peak.failureTimes),
    toMs: Math.max(...peak.failureTimes),
    strength: 0.5 * Math.min(1, rate / 0.5) + 0.5 * confidenceOf(pValue, threshold),
    recurrenceDays: new Set(peak.failureTimes.map((time) => Math.floor(time / DAY_MS))).size,
    failures: peak.failures,
  };
}
