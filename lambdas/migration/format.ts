/**
 * "1.2 s" or "340 ms".
 *
 * @example
 * formatDuration(1234); // "1.2 s"
 */
export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/**
 * "1 migration" / "3 migrations".
 *
 * @example
 * countOf(3, "migration"); // "3 migrations"
 */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
