import type { CheckStatus, Measurement } from "./types.ts";

/** One problem (or its absence) found while grading a check, with what to do about it. */
export interface Finding {
  readonly status: CheckStatus;
  readonly text: string;
}

/** Findings and the measurements they were based on. */
export interface Graded {
  readonly findings: readonly Finding[];
  readonly measured: Readonly<Record<string, Measurement>>;
}

export const NOTHING_FOUND: Graded = { findings: [], measured: {} };

const RANK: Record<CheckStatus, number> = { ok: 0, warn: 1, fail: 2 };

/**
 * Grades a measurement where more is worse: `fail` above `fail`, `warn` above `warn`.
 *
 * @example
 * gradeAbove(85, 80, 95); // "warn"
 */
export function gradeAbove(value: number, warn: number, fail: number): CheckStatus {
  if (value > fail) return "fail";
  return value > warn ? "warn" : "ok";
}

/**
 * Grades a measurement where less is worse: `fail` below `fail`, `warn` below `warn`.
 *
 * @example
 * gradeBelow(20, 30, 7); // "warn" (20 days left on a certificate)
 */
export function gradeBelow(value: number, warn: number, fail: number): CheckStatus {
  if (value < fail) return "fail";
  return value < warn ? "warn" : "ok";
}

/**
 * The worst of several statuses (`ok` when there are none).
 *
 * @example
 * worstStatus(["ok", "warn", "ok"]); // "warn"
 */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((worst, s) => (RANK[s] > RANK[worst] ? s : worst), "ok");
}
