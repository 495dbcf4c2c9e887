import { createDetector, type DetectorName } from "../../analytics/index.ts";
import type { Datapoint } from "./fetch.ts";

/** A datapoint with its causal anomaly score in [0, 1]. */
export interface ScoredPoint extends Datapoint {
  readonly score: number;
}

export interface ScoredSeries {
  readonly points: readonly ScoredPoint[];
  /** Indexes of the points scoring at least the threshold. */
  readonly anomalies: readonly number[];
  /** The highest score of the series after the probation. */
  readonly peakScore: number;
  /** Points that only trained the detector (no flags): NAB's probationary period. */
  readonly probation: number;
}

/**
 * NAB's probationary period: the first 15 % of a series (at most 750 points) trains the detector
 * and is not flagged — a detector that has seen a handful of points calls everything new.
 */
export function probationOf(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

/**
 * Streams a series through a fresh detector of the analytics core, oldest point first: each
 * score depends only on that point and the ones before (causal). Gaps need no filling — the
 * detectors take the points they get. Points scoring ≥ `threshold` after the probation
 * (`probationOf`) are the anomalies.
 *
 * @example
 * const scored = scoreMetricSeries(points, { detector: "ensemble", threshold: 0.5 });
 * scored.anomalies.map((index) => scored.points[index]);
 */
export function scoreMetricSeries(
  datapoints: readonly Datapoint[],
  options: { readonly detector: DetectorName; readonly threshold: number },
): ScoredSeries {
  const detector = createDetector(options.detector);
  const points: ScoredPoint[] = [];
  const anomalies: number[] = [];
  const probation = probationOf(datapoints.length);
  let peakScore = 0;
  for (const point of datapoints) {
    const raw = detector.update(point.at, point.value);
    const score = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
    if (points.length >= probation) {
      if (score >= options.threshold) anomalies.push(points.length);
      peakScore = Math.max(peakScore, score);
    }
    points.push({ ...point, score });
  }
  return { points, anomalies, peakScore, probation };
}
