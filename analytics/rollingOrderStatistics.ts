/**
 * The last `capacity` values kept both in arrival order (a ring) and sorted, so the rolling
 * median is O(1) and the rolling MAD O(log n); each update costs a binary search plus a shift
 * of the values between the oldest value's slot and the new value's slot.
 *
 * @example
 * const window = new RollingOrderStatistics(5);
 * for (const value of [1, 2, 3, 100]) window.push(value);
 * window.median(); // 2.5
 * window.medianAbsoluteDeviation(); // 1
 */
export class RollingOrderStatistics {
  private readonly sorted: Float64Array;
  private readonly ring: Float64Array;
  private size = 0;
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.sorted = new Float64Array(capacity);
    this.ring = new Float64Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  push(value: number): void {
    const sorted = this.sorted;
    let position: number;
    if (this.size === this.capacity) {
      // Replace the oldest value: shift only the run between its slot and the new value's slot.
      position = this.lowerBound(this.ring[this.head] as number);
      while (position > 0 && (sorted[position - 1] as number) > value) {
        sorted[position] = sorted[position - 1] as number;
        position -= 1;
      }
      while (position + 1 < this.size && (sorted[position + 1] as number) < value) {
        sorted[position] = sorted[position + 1] as number;
        position += 1;
      }
    } else {
      position = this.size;
      while (position > 0 && (sorted[position - 1] as number) > value) {
        sorted[position] = sorted[position - 1] as number;
        position -= 1;
      }
      this.size += 1;
    }
    sorted[position] = value;
    this.ring[this.head] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
  }

  /** The q-quantile (0 ≤ q ≤ 1) with linear interpolation; NaN when empty. */
  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    const position = q * (this.size - 1);
    const below = Math.floor(position);
    const low = this.sorted[below] as number;
    if (below + 1 >= this.size) return low;
    return low + (position - below) * ((this.sorted[below + 1] as number) - low);
  }

  median(): number {
    return this.quantile(0.5);
  }

  /** Median of |x − median| over the window, found without materialising the deviations. */
  medianAbsoluteDeviation(): number {
    const n = this.size;
    if (n === 0) return Number.NaN;
    const center = this.median();
    const lowerMiddle = (n - 1) >> 1;
    const upperMiddle = n >> 1;
    const low = this.kthDeviation(lowerMiddle, center);
    return lowerMiddle === upperMiddle ? low : (low + this.kthDeviation(upperMiddle, center)) / 2;
  }

  /**
   * The k-th smallest (0-based) absolute deviation from `center`. Deviations left of the split
   * grow leftwards and those right of it grow rightwards: two sorted runs, merged by binary search.
   */
  private kthDeviation(k: number, center: number): number {
    const sorted = this.sorted;
    const split = this.lowerBound(center);
    const rightCount = this.size - split;
    // left(i) = center − sorted[split − 1 − i], right(j) = sorted[split + j] − center.
    let lo = Math.max(0, k + 1 - rightCount);
    let hi = Math.min(k + 1, split);
    while (lo < hi) {
      const takeLeft = (lo + hi) >> 1;
      const takeRight = k + 1 - takeLeft;
      if (
        takeRight > 0 &&
        takeLeft < split &&
        (sorted[split + takeRight - 1] as number) - center >
          center - (sorted[split - 1 - takeLeft] as number)
      ) {
        lo = takeLeft + 1;
      } else {
        hi = takeLeft;
      }
    }
    const takeRight = k + 1 - lo;
    const lastLeft = lo > 0 ? center - (sorted[split - lo] as number) : Number.NEGATIVE_INFINITY;
    const lastRight =
      takeRight > 0 ? (sorted[split + takeRight - 1] as number) - center : Number.NEGATIVE_INFINITY;
    return Math.max(lastLeft, lastRight);
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
