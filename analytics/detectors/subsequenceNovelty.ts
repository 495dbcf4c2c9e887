import type { StreamingDetector } from "../types.ts";
import { KeyOrderedIndex } from "./keyOrderedIndex.ts";

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
 * KNN-CAD and matrix-profile discords. The search runs once per downsampled point and is exact
 * but pruned: it starts from the successor of the previous match, visits candidates in order
 * of how far their mean is from the query's (‖a − b‖² ≥ length · (mean a − mean b)², so each
 * side stops once that bound passes the best distance), skips a candidate whose mean, trend and
 * residual spread already put it farther (see `describeShape`), and abandons a distance as soon
 * as it passes the best so far. Between searches the last score is held.
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
  /** The candidate subsequences (by start slot in the ring) ordered by their mean. */
  private readonly byMean: KeyOrderedIndex;
  /** Mean of the subsequence starting at each ring slot (set once its last point arrives). */
  private readonly means: Float64Array;
  /** Per ring slot, the shape summary of `describeShape` that prunes candidates before a distance. */
  private readonly slopes: Float64Array;
  private readonly residualNorms: Float64Array;
  private readonly roundingSlacks: Float64Array;
  /** The unit vector of a linear trend over one subsequence (orthogonal to a constant). */
  private readonly trend: Float64Array;
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
    this.byMean = new KeyOrderedIndex(options.history);
    this.means = new Float64Array(this.capacity);
    this.slopes = new Float64Array(this.capacity);
    this.residualNorms = new Float64Array(this.capacity);
    this.roundingSlacks = new Float64Array(this.capacity);
    const middle = (this.length - 1) / 2;
    let trendNorm = 0;
    for (let index = 0; index < this.length; index += 1) trendNorm += (index - middle) ** 2;
    this.trend = Float64Array.from({ length: this.length }, (_, index) =>
      trendNorm > 0 ? (index - middle) / Math.sqrt(trendNorm) : 0,
    );
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
    this.trackCandidates();
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

  /**
   * Keeps `byMean` equal to the subsequences a search may compare with: those starting between
   * `history + 2·length − 1` and `2·length` points before the newest point.
   */
  private trackCandidates(): void {
    const newest = this.pointCount - 2 * this.length;
    const capacity = this.capacity;
    const latest = this.pointCount - this.length;
    if (latest >= 0) this.describeShape(latest % capacity);
    if (newest < 0) return;
    const slot = newest % capacity;
    const expired = newest - this.history;
    if (expired < 0) {
      this.byMean.insert(this.means[slot] as number, slot);
    } else {
      const expiredSlot = expired % capacity;
      this.byMean.replace(
        this.means[expiredSlot] as number,
        expiredSlot,
        this.means[slot] as number,
        slot,
      );
    }
  }

  /**
   * Summarises the subsequence starting at ring slot `slot` for the search: its mean μ, its
   * trend coefficient c (the projection on the unit trend vector) and the norm r of what is left
   * once the mean and the trend are removed. The three parts are orthogonal, so for two
   * subsequences ‖a − b‖² = L·Δμ² + Δc² + ‖residual a − residual b‖² ≥ L·Δμ² + Δc² + Δr²:
   * a lower bound on the distance that costs no loop over the points.
   */
  private describeShape(slot: number): void {
    const points = this.points;
    const length = this.length;
    let sum = 0;
    for (let index = slot; index < slot + length; index += 1) sum += points[index] as number;
    const mean = sum / length;
    let centeredSquares = 0;
    let slope = 0;
    for (let index = 0; index < length; index += 1) {
      const centered = (points[slot + index] as number) - mean;
      centeredSquares += centered * centered;
      slope += centered * (this.trend[index] as number);
    }
    this.means[slot] = mean;
    this.slopes[slot] = slope;
    this.residualNorms[slot] = Math.sqrt(Math.max(0, centeredSquares - slope * slope));
    // A bound, far above the rounding errors of c and r (about 1e-8 of the spread when r ≈ 0, and
    // of 1e-16 of the level from the rounded mean), within which Δc and Δr are not trusted.
    this.roundingSlacks[slot] = 1e-6 * Math.sqrt(centeredSquares) + 1e-12 * Math.abs(mean);
  }

  /** Distance per point (RMS) to the nearest of the last `candidates` non-overlapping subsequences. */
  private nearestNeighbourDistance(candidates: number): number {
    const length = this.length;
    const capacity = this.capacity;
    const query = this.pointCount - length;
    const queryStart = query % capacity;
    let best = Number.POSITIVE_INFINITY;
    let bestOffset = -1;
    // The last match's offset is usually a near match again: a tight bound to abandon against.
    if (this.bestOffset >= length && this.bestOffset < length + candidates) {
      best = this.squaredDistance(queryStart, (query - this.bestOffset) % capacity, best);
      bestOffset = this.bestOffset;
    }
    // Walk away from the query's mean, first downwards then upwards; each side stops once its
    // mean bound reaches `best`. (Any order finds the same nearest distance; one side at a time
    // keeps the loop's branches predictable: the two loops are written out because one loop over
    // both directions made the detector 25 % slower.)
    const index = this.byMean;
    const keys = index.keys;
    const ids = index.ids;
    const queryMean = this.means[queryStart] as number;
    const querySlope = this.slopes[queryStart] as number;
    const queryResidualNorm = this.residualNorms[queryStart] as number;
    const querySlack = this.roundingSlacks[queryStart] as number;
    // The bound is shaved by a relative 1e-9 so rounding can never prune the true nearest.
    const boundScale = length * (1 - 1e-9);
    const middle = index.lowerBound(queryMean);
    for (let position = middle - 1; position >= 0; position -= 1) {
      const gap = queryMean - (keys[position] as number);
      if (!(boundScale * gap * gap < best)) break;
      const start = ids[position] as number;
      const distance = this.boundedDistance(
        queryStart,
        queryMean,
        querySlope,
        queryResidualNorm,
        querySlack,
        start,
        best,
      );
      if (distance < best) {
        best = distance;
        bestOffset = start < queryStart ? queryStart - start : queryStart - start + capacity;
      }
    }
    for (let position = middle; position < index.count; position += 1) {
      const gap = (keys[position] as number) - queryMean;
      if (!(boundScale * gap * gap < best)) break;
      const start = ids[position] as number;
      const distance = this.boundedDistance(
        queryStart,
        queryMean,
        querySlope,
        queryResidualNorm,
        querySlack,
        start,
        best,
      );
      if (distance < best) {
        best = distance;
        bestOffset = start < queryStart ? queryStart - start : queryStart - start + capacity;
      }
    }
    this.bestOffset = bestOffset;
    return Math.sqrt(best / length);
  }

  /**
   * `squaredDistance`, or a lower bound ≥ `bound` without reading the points when the shape
   * summaries of `describeShape` already show the distance reaches `bound` (the summaries'
   * bound is shaved by their rounding slacks and a relative 1e-9, so it never exceeds the
   * distance as computed). The query's summaries come in as arguments, read once per search.
   */
  private boundedDistance(
    queryStart: number,
    queryMean: number,
    querySlope: number,
    queryResidualNorm: number,
    querySlack: number,
    start: number,
    bound: number,
  ): number {
    const gap = (this.means[start] as number) - queryMean;
    const slack = querySlack + (this.roundingSlacks[start] as number);
    const slopeGap = Math.max(0, Math.abs((this.slopes[start] as number) - querySlope) - slack);
    const residualGap = Math.max(
      0,
      Math.abs((this.residualNorms[start] as number) - queryResidualNorm) - slack,
    );
    const shapeBound =
      this.length * (1 - 1e-9) * gap * gap + slopeGap * slopeGap + residualGap * residualGap;
    return shapeBound >= bound ? shapeBound : this.squaredDistance(queryStart, start, bound);
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
