/**
 * A Mermaid `xychart-beta` of one series, which GitHub renders inside Markdown: the series as a
 * line, its anomalous points as bars, over the analysis window in hours.
 */
import type { ScoredSeries } from "./score.ts";

/** Charts hold at most this many points: more are unreadable and bloat the summary. */
export const MAX_CHART_POINTS = 100;

export interface ChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly maxPoints?: number;
}

/** The downsampled series: one value per bucket, and the anomalous value (or 0) per bucket. */
export interface ChartData {
  readonly line: readonly number[];
  readonly bar: readonly number[];
}

/**
 * Downsamples a scored series into at most `maxPoints` equal time buckets over the window. A
 * bucket shows its mean, unless it holds an anomaly: then it shows the anomalous value, so no
 * anomaly is averaged away. An empty bucket (a gap in the data) repeats the previous value.
 *
 * @example
 * const { line, bar } = chartData(scored, { windowStart, windowEnd, maxPoints: 100 });
 */
export function chartData(
  series: ScoredSeries,
  options: Pick<ChartOptions, "windowStart" | "windowEnd" | "maxPoints">,
): ChartData {
  const { points } = series;
  const span = Math.max(1, options.windowEnd - options.windowStart);
  const buckets = Math.max(1, Math.min(options.maxPoints ?? MAX_CHART_POINTS, points.length));
  const sums = new Array<number>(buckets).fill(0);
  const counts = new Array<number>(buckets).fill(0);
  const peaks = new Array<{ value: number; score: number } | undefined>(buckets).fill(undefined);
  const anomalous = new Set(series.anomalies);
  points.forEach((point, index) => {
    const offset = (point.at - options.windowStart) / span;
    const bucket = Math.min(buckets - 1, Math.max(0, Math.floor(offset * buckets)));
    sums[bucket] = (sums[bucket] as number) + point.value;
    counts[bucket] = (counts[bucket] as number) + 1;
    const peak = peaks[bucket];
    if (anomalous.has(index) && (!peak || point.score > peak.score)) {
      peaks[bucket] = { value: point.value, score: point.score };
    }
  });
  const line: number[] = [];
  const bar: number[] = [];
  const firstValue = points[0]?.value ?? 0;
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const peak = peaks[bucket];
    const count = counts[bucket] as number;
    const value = peak
      ? peak.value
      : count > 0
        ? (sums[bucket] as number) / count
        : (line.at(-1) ?? firstValue);
    line.push(compact(value));
    bar.push(peak ? compact(peak.value) : 0);
  }
  return { line, bar };
}

/**
 * The Markdown of the chart: a fenced `mermaid` block with an `xychart-beta` — line = the series,
 * bars = its anomalies — and the x-axis in hours since the window's start.
 *
 * @example
 * summary.markdown(mermaidChart(scored, { title: "Errors · ops-staging-migration", yLabel: "count", windowStart, windowEnd }));
 */
export function mermaidChart(series: ScoredSeries, options: ChartOptions): string {
  const { line, bar } = chartData(series, options);
  const hours = Math.max(1, Math.round((options.windowEnd - options.windowStart) / 3_600_000));
  const yMax = Math.max(...line, ...bar);
  const yMin = Math.min(0, ...line);
  return [
    "```mermaid",
    // Line in blue, anomaly bars in red (palette order = plot order).
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#4e79a7, #e15759"}}}}%%`,
    "xychart-beta",
    `  title ${quoted(options.title)}`,
    `  x-axis ${quoted(`hours since ${new Date(options.windowStart).toISOString().slice(0, 16)}Z`)} 0 --> ${hours}`,
    `  y-axis ${quoted(options.yLabel)} ${yMin} --> ${yMax > yMin ? compact(yMax + 0.1 * (yMax - yMin)) : yMin + 1}`,
    `  line [${line.join(", ")}]`,
    `  bar [${bar.join(", ")}]`,
    "```",
  ].join("\n");
}

/** Mermaid text in double quotes: it has no escape for `"`, and no line breaks. */
function quoted(text: string): string {
  return `"${text
    .replace(/"/g, "'")
    .replace(/[\r\n]+/g, " ")
    .slice(0, 120)}"`;
}

/** 4 significant digits; tiny values become 0, as Mermaid reads no exponent (1e-7). */
function compact(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) < 1e-4) return 0;
  return Number(value.toPrecision(4));
}
