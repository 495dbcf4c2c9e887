import type { StreamingDetector } from "../types.ts";

export interface SubsequenceNoveltyOptions {
  /** Points per subsequence (after downsampling). */
  readonly length: number;
  /** Rows averaged into one point (piecewise aggregate approximation). */
  readonly downsample: number;
  /** Past subsequences searched for the nearest neighbour (a ring of the most recent ones). */
  readonly history: number;
}

/**
 * Novelty of the latest short shape: the Euclidean distance from the latest subsequence of the
 * downsampled series to its nearest neighbour among the past `history` subsequences (excluding
 * those overlapping it), in units of the typical nearest-neighbour distance. A pattern that has
 * happened before (a nightly job's spike) scores low however large it is; a shape never seen
 * (a level, a rhythm or a spike where there was none) scores high. The family of ARTime,
 * KNN-CAD and matrix-profile discords. The search runs once per downsampled point, starts from
 * the successor of the previous match and abandons a candidate as soon as it is farther than
 * the best so far, so it costs a few operations per candidate. Between searches the last
 * score is held.
 *
 * @example
 * const detector = new SubsequenceNoveltyDetector({ length: 8, downsample: 4, history: 400 });
 * detector.update(timestamp, value);
 */
export class SubsequenceNoveltyDetector implements StreamingDetector {
  private readonly length: number;
  private readonly downsample: number;
  private readonly history: number;
  private readonly capacity: number;
  /** Each point is stored twice (at i and i + capacity) so every subsequence is contiguous. */
  private readonly points: Float64Array;
  private pointCount = 0;
  private blockSum = 0;
  private blockRows = 0;
  private bestOffset = -1;
  private typicalDistance = 0;
  private typicalMagnitude = 0;
  private score = 0;

  constructor(options: SubsequenceNoveltyOptions) {
    this.length = options.length;
    this.downsample = options.downsample;
    this.history = options.history;
    this.capacity = options.history + 2 * options.length;
    this.points = new Float64Array(2 * this.capacity);
  }

  update(_timestamp: number, value: number): number {
    this.blockSum += value;
    this.blockRows += 1;
    if (this.blockRows < this.downsample) return this.score;
    const point = this.blockSum / this.blockRows;
    this.blockSum = 0;
    this.blockRows = 0;
    const slot = this.pointCount % this.capacity;
    this.points[slot] = point;
    this.points[slot + this.capacity] = point;
    this.pointCount += 1;
    this.typicalMagnitude +=
      (Math.abs(point) - this.typicalMagnitude) / Math.min(this.pointCount, 1000);
    const candidates = Math.min(this.history, this.pointCount - 2 * this.length + 1);
    if (candidates < 8) return this.score;
    const distance = this.nearestNeighbourDistance(candidates);
    const unit = Math.max(this.typicalDistance, 1e-6 * this.typicalMagnitude, 1e-12);
    const warm = this.pointCount >= 4 * this.length;
    this.score = warm ? distance / unit : 0;
    // The typical distance ignores, once warm, the rare novel shapes it measures against.
    const learned = warm && distance > 4 * unit ? 4 * unit : distance;
    this.typicalDistance += (learned - this.typicalDistance) / Math.min(candidates, 200);
    return this.score;
  }

  /** Distance per point (RMS) to the nearest of the last `candidates` non-overlapping subsequences. */
  private nearestNeighbourDistance(candidates: number): number {
    const length = this.length;
    const capacity = this.capacity;
    const queryStart = (this.pointCount - length) % capacity;
    // Offsets count back from the query: offset o is the subsequence starting o points earlier.
    const firstOffset = length;
    const lastOffset = length + candidates - 1;
    let best = Number.POSITIVE_INFINITY;
    let bestOffset = -1;
    // The last match's offset is usually a near match again: a tight bound to abandon against.
    if (this.bestOffset >= firstOffset && this.bestOffset <= lastOffset) {
      const start = (queryStart - this.bestOffset + capacity) % capacity;
      best = this.squaredDistance(queryStart, start, best);
      bestOffset = this.bestOffset;
    }
    // Candidate starts, walked backwards through the doubled ring without a modulo per candidate.
    let start = queryStart - firstOffset + capacity;
    if (start >= capacity) start -= capacity;
    for (let offset = firstOffset; offset <= lastOffset; offset += 1) {
      const distance = this.squaredDistance(queryStart, start, best);
      if (distance < best) {
        best = distance;
        bestOffset = offset;
      }
      start = start === 0 ? capacity - 1 : start - 1;
    }
    this.bestOffset = bestOffset;
    return Math.sqrt(best / length);
  }

  /** Squared distance between the subsequences at two ring positions; stops once it reaches `bound`. */
  private squaredDistance(queryStart: number, start: number, bound: number): number {
    const points = this.points;
    let sum = 0;
    for (let index = 0; index < this.length; index += 1) {
      const difference = (points[queryStart + index] as number) - (points[start + index] as number);
      sum += difference * difference;
      if (sum >= bound) return sum;
    }
    return sum;
  }
}
