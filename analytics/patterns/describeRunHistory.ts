import type { HistoryEntry } from "./types.ts";

/** How much history was read: runs, deploy markers, and the first and last run's start. */
export interface RunHistoryExtent {
  readonly runs: number;
  readonly deploys: number;
  /** ISO-8601; null without runs. */
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * Counts the runs and deploys of a history and the span its runs cover.
 *
 * @example
 * describeRunHistory(await readRunHistory("runs.jsonl")); // { runs: 120, deploys: 2, from: "…", to: "…" }
 */
export function describeRunHistory(entries: readonly HistoryEntry[]): RunHistoryExtent {
  let runs = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const entry of entries) {
    if (entry.kind !== "run") continue;
    runs += 1;
    first = Math.min(first, entry.startedAt);
    last = Math.max(last, entry.startedAt);
  }
  return {
    runs,
    deploys: entries.length - runs,
    from: runs > 0 ? new Date(first).toISOString() : null,
    to: runs > 0 ? new Date(last).toISOString() : null,
  };
}
