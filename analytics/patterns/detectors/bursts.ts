import type { AnalysisContext, Candidate, ScopeRuns } from "../candidate.ts";
import { runsByScope } from "../candidate.ts";
import { errorCodeHint } from "../errorCodeHints.ts";
import { durationLabel, percent, round, timeLabel } from "../format.ts";
import { binomialUpperTail, confidenceOf } from "../statistics.ts";
import type { RunRecord } from "../types.ts";

/** Longest span a burst may cover. */
export const BURST_MAX_SPAN_MS = 6 * 3_600_000;
const MIN_FAILURES = 5;
const MIN_SHARE = 0.5;

interface Burst {
  readonly scope: ScopeRuns;
  readonly first: number;
  readonly last: number;
  readonly failures: number;
  readonly baseRate: number;
  readonly pValue: number;
}

/**
 * Bursts: ≥ 5 failures of one function / operation / environment within 6 hours, at least half
 * of the runs in that span, more than the scope's failure rate explains (binomial test of the
 * failures after the first, Bonferroni over every span tried).
 *
 * @example
 * const candidates = detectBursts(context);
 */
export function detectBursts(context: AnalysisContext): Candidate[] {
  let tests = 0;
  const bursts: Burst[] = [];
  for (const scope of runsByScope(context.runs)) {
    const found = scanScope(scope);
    tests += found.tests;
    bursts.push(...found.bursts);
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  return pickDisjoint(bursts.filter((burst) => burst.pValue < threshold)).map((burst) =>
    toCandidate(burst, threshold),
  );
}

function scanScope(scope: ScopeRuns): { tests: number; bursts: Burst[] } {
  const failed = scope.runs.flatMap((run, index) => (run.ok ? [] : [index]));
  if (failed.length < MIN_FAILURES) return { tests: 0, bursts: [] };
  const baseRate = failed.length / scope.runs.length;
  const bursts: Burst[] = [];
  let pairs = 0;
  for (let i = 0; i + MIN_FAILURES - 1 < failed.length; i += 1) {
    const first = failed[i] as number;
    const firstTime = (scope.runs[first] as RunRecord).startedAt;
    for (let j = i + MIN_FAILURES - 1; j < failed.length; j += 1) {
      const last = failed[j] as number;
      if ((scope.runs[last] as RunRecord).startedAt - firstTime > BURST_MAX_SPAN_MS) break;
      pairs += 1;
      const failures = j - i + 1;
      const runs = last - first + 1;
      if (failures / runs < MIN_SHARE) continue;
      // The span starts at a failure by construction: test the failures after it.
      const pValue = binomialUpperTail(failures - 1, runs - 1, baseRate);
      bursts.push({ scope, first, last, failures, baseRate, pValue });
    }
  }
  return { tests: Math.max(pairs, failed.length), bursts };
}

/** Strongest first, dropping spans that overlap one already kept in the same scope. */
function pickDisjoint(bursts: Burst[]): Burst[] {
  const kept: Burst[] = [];
  for (const burst of [...bursts].sort((a, b) => a.pValue - b.pValue)) {
    const overlaps = kept.some(
      (other) =>
        other.scope === burst.scope && burst.first <= other.last && other.first <= burst.last,
    );
    if (!overlaps) kept.push(burst);
  }
  return kept;
}

function toCandidate(burst: Burst, threshold: number): Candidate {
  const { scope } = burst;
  const runs = scope.runs.slice(burst.first, burst.last + 1);
  const fromMs = (runs[0] as RunRecord).startedAt;
  const toMs = (runs.at(-1) as RunRecord).startedAt;
  const code = dominantCode(runs);
  const label = `${scope.function}/${scope.operation}/${scope.environment}`;
  const headline = `Burst on ${label}: ${burst.failures} failures in ${runs.length} runs within ${durationLabel(toMs - fromMs)} from ${timeLabel(fromMs)}`;
  return {
    kind: "burst",
    scope: { function: scope.function, operation: scope.operation, environment: scope.environment },
    summary: `${headline} (usually ${percent(burst.baseRate)}), mostly ${code}`,
    evidence: {
      failures: burst.failures,
      runs: runs.length,
      spanMinutes: Math.round((toMs - fromMs) / 60_000),
      baseRate: round(burst.baseRate),
      dominantErrorCode: code,
      pValue: burst.pValue,
    },
    nextAction: `${headline}, mostly ${code} — ${errorCodeHint(code)}; check what else happened then (deploys, maintenance, an upstream incident) and retry transient failures with backoff.`,
    fromMs,
    toMs,
    strength:
      0.5 * Math.min(1, burst.failures / 10) * (burst.failures / runs.length) +
      0.5 * confidenceOf(burst.pValue, threshold),
    recurrenceDays: 1,
    failures: burst.failures,
  };
}

function dominantCode(runs: readonly RunRecord[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) {
    if (run.errorCode !== null) counts.set(run.errorCode, (counts.get(run.errorCode) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "UNKNOWN";
}
