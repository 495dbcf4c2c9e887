/**
 * The last `capacity` values kept both in arrival order (a ring) and sorted, so the rolling
 * median is O(1) and the rolling MAD O(log n); each update costs two binary searches plus one
 * block move (memmove) of the values between the oldest value's slot and the new value's slot.
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
  /** The last answer of the deviation search, where the next search starts. */
  private lastTakeLeft = 0;
  /** Where the last value went: smooth series insert next to it, so the search starts there. */
  private lastPosition = 0;

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
      // Replace the oldest value: move the run between its slot and the new value's slot by one.
      const oldest = this.lowerBound(this.ring[this.head] as number, 0, this.size);
      if (oldest > 0 && (sorted[oldest - 1] as number) > value) {
        position = boundNear(sorted, value, 0, oldest, this.lastPosition, true);
        shiftRun(sorted, position + 1, position, oldest);
      } else if (oldest + 1 < this.size && (sorted[oldest + 1] as number) < value) {
        position = boundNear(sorted, value, oldest + 1, this.size, this.lastPosition, false) - 1;
        shiftRun(sorted, oldest, oldest + 1, position + 1);
      } else {
        position = oldest;
      }
    } else {
      position = boundNear(sorted, value, 0, this.size, this.lastPosition, true);
      shiftRun(sorted, position + 1, position, this.size);
      this.size += 1;
    }
    sorted[position] = value;
    this.lastPosition = position;
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
   * grow leftwards and those right of it grow rightwards: two sorted runs, merged by a search
   * for how many to take from the left run. The search gallops from the previous row's answer,
   * which moves little from row to row, so it usually costs a few predictable comparisons.
   */
  private kthDeviation(k: number, center: number): number {
    const sorted = this.sorted;
    const split = this.splitAt(center);
    const rightCount = this.size - split;
    // left(i) = center − sorted[split − 1 − i], right(j) = sorted[split + j] − center.
    let lo = Math.max(0, k + 1 - rightCount);
    let hi = Math.min(k + 1, split);
    const hint = Math.min(Math.max(this.lastTakeLeft, lo), hi);
    if (hint < hi && this.takesTooFewLeft(k, hint, split, center)) {
      lo = hint + 1;
      let step = 1;
      while (lo + step - 1 < hi && this.takesTooFewLeft(k, lo + step - 1, split, center)) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(hi, lo + step - 1);
    } else {
      hi = hint;
      let step = 1;
      while (hi - step >= lo && !this.takesTooFewLeft(k, hi - step, split, center)) {
        hi -= step;
        step *= 2;
      }
      lo = Math.max(lo, hi - step + 1);
    }
    while (lo < hi) {
      const takeLeft = (lo + hi) >> 1;
      if (this.takesTooFewLeft(k, takeLeft, split, center)) lo = takeLeft + 1;
      else hi = takeLeft;
    }
    this.lastTakeLeft = lo;
    const takeRight = k + 1 - lo;
    const lastLeft = lo > 0 ? center - (sorted[split - lo] as number) : Number.NEGATIVE_INFINITY;
    const lastRight =
      takeRight > 0 ? (sorted[split + takeRight - 1] as number) - center : Number.NEGATIVE_INFINITY;
    return Math.max(lastLeft, lastRight);
  }

  /** Whether the k + 1 smallest deviations include more than `takeLeft` from the left run. */
  private takesTooFewLeft(k: number, takeLeft: number, split: number, center: number): boolean {
    const takeRight = k + 1 - takeLeft;
    return (
      takeRight > 0 &&
      takeLeft < split &&
      (this.sorted[split + takeRight - 1] as number) - center >
        center - (this.sorted[split - 1 - takeLeft] as number)
    );
  }

  /** lowerBound(center) for the median: a short walk down from the middle, unless ties are many. */
  private splitAt(center: number): number {
    const sorted = this.sorted;
    let split = this.size >> 1;
    const stop = Math.max(0, split - 8);
    while (split > stop && (sorted[split - 1] as number) >= center) split -= 1;
    return split === stop && split > 0 ? this.lowerBound(center, 0, split) : split;
  }

  /** First index in [lo, hi) whose value is ≥ `value` (hi when none). */
  private lowerBound(value: number, lo: number, hi: number): number {
    const sorted = this.sorted;
    let base = lo;
    let length = hi - lo;
    // Branch-free halving: the comparison selects the half, so no branch is mispredicted.
    while (length > 1) {
      const half = length >> 1;
      base = (sorted[base + half - 1] as number) < value ? base + half : base;
      length -= half;
    }
    return length === 1 && (sorted[base] as number) < value ? base + 1 : base;
  }
}

/**
 * First index in [lo, hi) whose value is > `value` (`above`) or ≥ `value` (otherwise), hi when
 * none: an exponential search outwards from `hint`, then a binary search, so a value that lands
 * near the hint costs a few comparisons and any other value at most twice a binary search.
 */
function boundNear(
  sorted: Float64Array,
  value: number,
  lo: number,
  hi: number,
  hint: number,
  above: boolean,
): number {
  if (lo >= hi) return lo;
  const start = hint < lo ? lo : hint >= hi ? hi - 1 : hint;
  let low: number;
  let high: number;
  if (isBefore(sorted[start] as number, value, above)) {
    low = start + 1;
    let step = 1;
    while (low + step - 1 < hi && isBefore(sorted[low + step - 1] as number, value, above)) {
      low += step;
      step *= 2;
    }
    high = Math.min(hi, low + step - 1);
  } else {
    high = start;
    let step = 1;
    while (high - step >= lo && !isBefore(sorted[high - step] as number, value, above)) {
      high -= step;
      step *= 2;
    }
    low = Math.max(lo, high - step + 1);
  }
  while (low < high) {
    const mid = (low + high) >> 1;
    if (isBefore(sorted[mid] as number, value, above)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function isBefore(element: number, value: number, above: boolean): boolean {
  return above ? element <= value : element < value;
}

/** `array.copyWithin(target, start, end)`, with a plain loop for the short runs that dominate. */
function shiftRun(array: Float64Array, target: number, start: number, end: number): void {
  const count = end - start;
  if (count > 24) {
    array.copyWithin(target, start, end);
  } else if (target > start) {
    for (let index = end - 1; index >= start; index -= 1) {
      array[index + 1] = array[index] as number;
    }
  } else {
    for (let index = start; index < end; index += 1) array[index - 1] = array[index] as number;
  }
}
