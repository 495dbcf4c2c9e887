export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** `35 %` */
export function percent(rate: number): string {
  return `${rate < 0.1 && rate > 0 ? (rate * 100).toFixed(1) : Math.round(rate * 100)} %`;
}

/** `Tue 2026-01-06` (UTC) */
export function dayLabel(ms: number): string {
  const date = new Date(ms);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.toISOString().slice(0, 10)}`;
}

/** `Tue 2026-01-06 14:05 UTC` */
export function timeLabel(ms: number): string {
  return `${dayLabel(ms)} ${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** `850 ms`, `12 s`, `3.4 min`, `5.0 h` */
export function durationLabel(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Distinct UTC days among the given times. */
export function distinctDays(times: Iterable<number>): number {
  const days = new Set<number>();
  for (const time of times) days.add(Math.floor(time / DAY_MS));
  return days.size;
}

/** Rounds for evidence: 4 significant digits. */
export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}
