import type { AnalysisContext, Candidate, ScopeRuns } from "../candidate.ts";
import { runsByScope } from "../candidate.ts";
import { distinctDays, round, timeLabel } from "../format.ts";
import { confidenceOf, tooManyRunsPValue } from "../statistics.ts";
import type { RunRecord } from "../types.ts";

/** Sizes of the windows of consecutive runs judged together; each moves a quarter of its size. */
const WINDOWS = [40, 80, 160] as const;
/** Both outcomes must make up at least this share of a window. */
const MIN_SHARE_EACH = 0.25;
/** Share of consecutive run pairs whose outcome differs. */
const MIN_TRANSITION_RATE = 0.6;

interface Segment {
  readonly scope: ScopeRuns;
  start: number;
  end: number;
  pValue: number;
}

/**
 * Flapping: a function / operation / environment alternating between success and failure more
 * than chance allows — the Wald–Wolfowitz runs test (too many runs) over sliding windows of 40,
 * 80 and 160 runs, conditional on each window's counts so plain high failure rates do not count.
 * Bonferroni over the windows tested; significant windows that overlap merge into one stretch.
 *
 * @example
 * const candidates = detectFlapping(context);
 */
export function detectFlapping(context: AnalysisContext): Candidate[] {
  let tests = 0;
  const flagged: Segment[] = [];
  for (const scope of runsByScope(context.runs)) {
    const outcomes = scope.runs.map((run) => !run.ok);
    for (const size of WINDOWS) {
      for (let start = 0; start + size <= outcomes.length; start += size / 4) {
        const window = outcomes.slice(start, start + size);
        const failures = window.filter(Boolean).length;
        if (Math.min(failures, size - failures) < MIN_SHARE_EACH * size) continue;
        tests += 1;
        const { runs, pValue } = tooManyRunsPValue(window);
        if ((runs - 1) / (size - 1) < MIN_TRANSITION_RATE) continue;
        flagged.push({ scope, start, end: start + size - 1, pValue });
      }
    }
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  return mergeOverlapping(flagged.filter((segment) => segment.pValue < threshold)).map((segment) =>
    toCandidate(segment, threshold),
  );
}

/** Overlapping windows of one scope become one stretch, trimmed to its first and last failure. */
function mergeOverlapping(segments: readonly Segment[]): Segment[] {
  const byScope = new Map<ScopeRuns, Segment[]>();
  for (const segment of segments)
    byScope.set(segment.scope, [...(byScope.get(segment.scope) ?? []), segment]);
  const merged: Segment[] = [];
  for (const list of byScope.values()) {
    let current: Segment | undefined;
    for (const segment of list.sort((a, b) => a.start - b.start)) {
      if (current && segment.start <= current.end) {
        current.end = Math.max(current.end, segment.end);
        current.pValue = Math.min(current.pValue, segment.pValue);
      } else {
        current = { ...segment };
        merged.push(current);
      }
    }
  }
  return merged.map(trimToFailures);
}

function trimToFailures(segment: Segment): Segment {
  const failed = (index: number) => !(segment.scope.runs[index] as RunRecord).ok;
  let { start, end } = segment;
  while (start < end && !failed(start)) start += 1;
  while (end > start && !failed(end)) end -= 1;
  return { ...segment, start, end };
}

function toCandidate(segment: Segment, threshold: number): Candidate {
  const { scope } = segment;
  const runs = scope.runs.slice(segment.start, segment.end + 1);
  let transitions = 0;
  for (let i = 1; i < runs.length; i += 1)
    if ((runs[i] as RunRecord).ok !== (runs[i - 1] as RunRecord).ok) transitions += 1;
  const failures = runs.filter((run) => !run.ok).length;
  const fromMs = (runs[0] as RunRecord).startedAt;
  const toMs = (runs.at(-1) as RunRecord).startedAt;
  const transitionRate = transitions / (runs.length - 1);
  const label = `${scope.function}/${scope.operation}/${scope.environment}`;
  const headline = `${label} flaps: ${transitions} switches between success and failure in ${runs.length} consecutive runs from ${timeLabel(fromMs)} to ${timeLabel(toMs)}`;
  return {
    kind: "flapping",
    scope: { function: scope.function, operation: scope.operation, environment: scope.environment },
    summary: `${headline} (${failures} failed)`,
    evidence: {
      runs: runs.length,
      failures,
      transitions,
      transitionRate: round(transitionRate),
      pValue: segment.pValue,
    },
    nextAction: `${headline} — something behind it is intermittently unhealthy (one bad instance or target among several, a connection pool recycling dead connections, a DNS record flipping); compare the details of failing and passing runs and remove or fix the bad member rather than retrying.`,
    fromMs,
    toMs,
    strength: 0.5 * transitionRate + 0.5 * confidenceOf(segment.pValue, threshold),
    recurrenceDays: distinctDays(runs.filter((run) => !run.ok).map((run) => run.startedAt)),
    failures,
  };
}
