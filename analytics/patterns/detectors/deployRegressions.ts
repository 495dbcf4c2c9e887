import { median } from "simple-statistics";
import type { AnalysisContext, Candidate } from "../candidate.ts";
import { errorCodeHint } from "../errorCodeHints.ts";
import { DAY_MS, distinctDays, percent, round, timeLabel } from "../format.ts";
import { binomialUpperTail, confidenceOf, rankSumGreaterPValue } from "../statistics.ts";
import type { DeployMarker, RunRecord } from "../types.ts";

/** Runs before a deploy that set the baseline. */
const BEFORE_MS = 14 * DAY_MS;
/** Runs after a deploy judged against it (cut short by the next deploy). */
const AFTER_MS = 7 * DAY_MS;
const MIN_BEFORE = 10;
const MIN_AFTER = 5;
const MIN_RATE_RATIO = 2;
const MIN_RATE_EXCESS = 0.1;
const MIN_SLOWDOWN = 1.25;

interface Signal {
  readonly deploy: DeployMarker;
  readonly previous: DeployMarker | undefined;
  readonly before: readonly RunRecord[];
  readonly after: readonly RunRecord[];
  readonly pValue: number;
  readonly errors?: { readonly before: number; readonly after: number; readonly code: string };
  readonly slowdown?: {
    readonly operation: string;
    readonly ratio: number;
    readonly afterMedian: number;
  };
}

/**
 * Regressions right after a deploy marker: the function's failure rate in its environment
 * (exact conditional binomial test, after vs the 14 days before) and each operation's duration
 * (one-sided Mann–Whitney) over the 7 days after or until the next deploy. Bonferroni over
 * every deploy × signal; effects must be ≥ 2× and +10 points for failures, ≥ 1.25× median for
 * durations.
 *
 * @example
 * const candidates = detectDeployRegressions(context);
 */
export function detectDeployRegressions(context: AnalysisContext): Candidate[] {
  let tests = 0;
  const signals: Signal[] = [];
  const byTarget = new Map<string, DeployMarker[]>();
  for (const deploy of context.deploys) {
    const key = `${deploy.function}\u0000${deploy.environment}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), deploy]);
  }
  const runsByTarget = new Map<string, RunRecord[]>();
  for (const run of context.runs) {
    const key = `${run.function}\u0000${run.environment}`;
    const list = runsByTarget.get(key);
    if (list) list.push(run);
    else runsByTarget.set(key, [run]);
  }
  for (const [key, deploys] of byTarget) {
    const runs = runsByTarget.get(key) ?? [];
    deploys.forEach((deploy, index) => {
      const next = deploys[index + 1];
      const afterEndMs = Math.min(next?.at ?? Infinity, deploy.at + AFTER_MS);
      const before = runs.filter(
        (run) => run.startedAt < deploy.at && run.startedAt >= deploy.at - BEFORE_MS,
      );
      const after = runs.filter((run) => run.startedAt >= deploy.at && run.startedAt < afterEndMs);
      if (before.length < MIN_BEFORE || after.length < MIN_AFTER) return;
      const base = { deploy, previous: deploys[index - 1], before, after };
      tests += 1;
      const errors = errorSignal(before, after);
      if (errors) signals.push({ ...base, ...errors });
      for (const operation of new Set(after.map((run) => run.operation))) {
        const slow = slowdownSignal(before, after, operation);
        if (slow === null) continue;
        tests += 1;
        if (slow) signals.push({ ...base, ...slow });
      }
    });
  }
  const threshold = context.falseAlarmRate / Math.max(1, tests);
  return combinePerDeploy(signals.filter((signal) => signal.pValue < threshold)).map((group) =>
    toCandidate(group, threshold),
  );
}

function errorSignal(
  before: readonly RunRecord[],
  after: readonly RunRecord[],
): Pick<Signal, "pValue" | "errors"> | undefined {
  const failedBefore = before.filter((run) => !run.ok).length;
  const failedAfter = after.filter((run) => !run.ok);
  const rateBefore = failedBefore / before.length;
  const regressed = (runs: readonly RunRecord[]) => {
    const rate = runs.filter((run) => !run.ok).length / runs.length;
    return rate >= MIN_RATE_RATIO * rateBefore && rate - rateBefore >= MIN_RATE_EXCESS;
  };
  // "Right after": the first half of the runs after the deploy must show it too, so a pattern
  // that starts days later is not pinned on the deploy.
  const onset = after.slice(0, Math.ceil(after.length / 2));
  if (failedAfter.length < 3 || !regressed(after) || !regressed(onset)) return undefined;
  const total = failedBefore + failedAfter.length;
  const pValue = binomialUpperTail(
    failedAfter.length,
    total,
    after.length / (before.length + after.length),
  );
  return {
    pValue,
    errors: { before: failedBefore, after: failedAfter.length, code: dominantCode(failedAfter) },
  };
}

/** null: not enough runs to test; undefined: tested, no slowdown worth reporting. */
function slowdownSignal(
  before: readonly RunRecord[],
  after: readonly RunRecord[],
  operation: string,
): Pick<Signal, "pValue" | "slowdown"> | null | undefined {
  const durations = (runs: readonly RunRecord[]) =>
    runs.filter((run) => run.ok && run.operation === operation).map((run) => run.durationMs);
  const beforeDurations = durations(before);
  const afterDurations = durations(after);
  if (beforeDurations.length < MIN_BEFORE || afterDurations.length < MIN_AFTER) return null;
  const afterMedian = median(afterDurations);
  const beforeMedian = Math.max(1e-9, median(beforeDurations));
  const ratio = afterMedian / beforeMedian;
  const onset = afterDurations.slice(0, Math.ceil(afterDurations.length / 2));
  if (ratio < MIN_SLOWDOWN || median(onset) / beforeMedian < MIN_SLOWDOWN) return undefined;
  return {
    pValue: rankSumGreaterPValue(beforeDurations, afterDurations),
    slowdown: { operation, ratio, afterMedian },
  };
}

function combinePerDeploy(signals: readonly Signal[]): Signal[][] {
  const groups = new Map<DeployMarker, Signal[]>();
  for (const signal of signals)
    groups.set(signal.deploy, [...(groups.get(signal.deploy) ?? []), signal]);
  return [...groups.values()];
}

function toCandidate(group: readonly Signal[], threshold: number): Candidate {
  const first = group[0] as Signal;
  const { deploy, before, after } = first;
  const errors = group.find((signal) => signal.errors)?.errors;
  const slowdowns = group.flatMap((signal) => (signal.slowdown ? [signal.slowdown] : []));
  const pValue = Math.min(...group.map((signal) => signal.pValue));
  const rateBefore = errors ? errors.before / before.length : 0;
  const rateAfter = errors ? errors.after / after.length : 0;
  const parts = [
    ...(errors
      ? [
          `failures ${percent(rateAfter)} (${errors.after} of ${after.length} runs, mostly ${errors.code}) vs ${percent(rateBefore)} before`,
        ]
      : []),
    ...slowdowns.map((slow) => `${slow.operation} median ${slow.ratio.toFixed(1)}× slower`),
  ];
  const headline = `After ${deploy.function} ${deploy.version} reached ${deploy.environment} at ${timeLabel(deploy.at)}: ${parts.join("; ")}`;
  const previous = first.previous ? ` (previous: ${first.previous.version})` : "";
  const effect = Math.max(
    errors ? Math.min(1, (rateAfter - rateBefore) / 0.5) : 0,
    ...slowdowns.map((slow) => Math.min(1, slow.ratio - 1)),
  );
  return {
    kind: "deploy-regression",
    scope: { function: deploy.function, environment: deploy.environment, version: deploy.version },
    summary: headline,
    evidence: {
      version: deploy.version,
      previousVersion: first.previous?.version ?? null,
      deployedAt: new Date(deploy.at).toISOString(),
      runsBefore: before.length,
      runsAfter: after.length,
      failureRateBefore: round(rateBefore),
      failureRateAfter: round(rateAfter),
      dominantErrorCode: errors?.code ?? null,
      slowerOperations: slowdowns.map((slow) => `${slow.operation} ×${slow.ratio.toFixed(2)}`),
      pValue,
    },
    nextAction: `${headline} — roll ${deploy.function} in ${deploy.environment} back to the previous version${previous} or fix forward; diff the two versions${errors ? `; ${errorCodeHint(errors.code)}` : ""}.`,
    fromMs: deploy.at,
    toMs: after.at(-1)?.startedAt ?? deploy.at,
    strength: 0.5 * effect + 0.5 * confidenceOf(pValue, threshold),
    recurrenceDays: distinctDays(
      after.filter((run) => !run.ok || errors === undefined).map((run) => run.startedAt),
    ),
    ...(errors ? { failures: errors.after } : {}),
    regressed: {
      errors: errors !== undefined,
      durationOperations: slowdowns.map((slow) => slow.operation),
    },
  };
}

function dominantCode(runs: readonly RunRecord[]): string {
  const counts = new Map<string, number>();
  for (const run of runs)
    counts.set(run.errorCode ?? "UNKNOWN", (counts.get(run.errorCode ?? "UNKNOWN") ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "UNKNOWN";
}
