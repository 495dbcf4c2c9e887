export interface RollingOrderStatisticsOptions {
  /**
   * Once the window is full, its sorted values are brought up to date every `refreshEvery`
   * values, in one pass over the window (a divisor of the capacity). Default 1: after every
   * value, in place (a binary search and a block move).
   */
  readonly refreshEvery?: number;
}

/**
 * Rolling median, MAD and quantiles of the last `capacity` values, kept sorted.
 *
 * Until the window is full every value is inserted as it comes. Then values arrive in batches of
 * `refreshEvery`: a batch is merged once complete, replacing the oldest batch in one linear
 * pass, so the statistics describe the window as of the last complete batch (they lag the
 * newest value by at most `refreshEvery − 1` values). On a window of 304 values, a pass per 16
 * values costs ~90 ns per value against ~155 ns for a binary search and a block move per value
 * (bench/nab/README.md). The ring keeps each batch sorted, so the batch that leaves is ready to
 * merge.
 *
 * @example
 * const window = new RollingOrderStatistics(5);
 * for (const value of [1, 2, 3, 100]) window.push(value);
 * window.median(); // 2.5
 * window.medianAbsoluteDeviation(); // 1
 */
export class RollingOrderStatistics {
  private readonly refreshEvery: number;
  /** The values described, ascending; a merge writes into `spare`, then the two swap. */
  private sorted: Float64Array;
  private spare: Float64Array;
  private size = 0;
  /** The last `capacity` values by batch, each batch sorted; `batchStart` is the oldest's slot. */
  private readonly ring: Float64Array;
  private batchStart = 0;
  /** The batch being filled, in arrival order. */
  private readonly batch: Float64Array;
  private batchCount = 0;
  /** The MAD of the sorted values, computed when first asked for after they change. */
  private mad = Number.NaN;
  private madIsCurrent = true;

  constructor(
    readonly capacity: number,
    options: RollingOrderStatisticsOptions = {},
  ) {
    const refreshEvery = options.refreshEvery ?? 1;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    if (!Number.isInteger(refreshEvery) || refreshEvery < 1 || capacity % refreshEvery !== 0) {
      throw new RangeError(
        `refreshEvery must be a positive divisor of the capacity ${capacity}, got ${refreshEvery}`,
      );
    }
    this.refreshEvery = refreshEvery;
    this.sorted = new Float64Array(capacity);
    this.spare = new Float64Array(capacity);
    this.ring = new Float64Array(capacity);
    this.batch = new Float64Array(refreshEvery);
  }

  /** Values the statistics describe (at most `capacity`). */
  get count(): number {
    return this.size;
  }

  push(value: number): void {
    const batch = this.batch;
    batch[this.batchCount] = value;
    this.batchCount += 1;
    const filling = this.size < this.capacity;
    if (filling) this.insert(value);
    if (this.batchCount < this.refreshEvery) return;
    // The batch is complete: bring the sorted values up to date (unless its values are in
    // already), then store it sorted in place of the oldest batch.
    if (filling) {
      sortPrefix(batch, this.batchCount);
    } else if (this.refreshEvery === 1) {
      this.replace(this.ring[this.batchStart] as number, value);
    } else {
      sortPrefix(batch, this.batchCount);
      this.merge();
    }
    this.ring.set(batch, this.batchStart);
    this.batchStart = (this.batchStart + this.refreshEvery) % this.capacity;
    this.batchCount = 0;
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
    if (!this.madIsCurrent) {
      const n = this.size;
      const center = this.median();
      const lowerMiddle = (n - 1) >> 1;
      const upperMiddle = n >> 1;
      const low = this.kthDeviation(lowerMiddle, center);
      this.mad =
        lowerMiddle === upperMiddle ? low : (low + this.kthDeviation(upperMiddle, center)) / 2;
      this.madIsCurrent = true;
    }
    return this.mad;
  }

  /** Adds one value in place: a binary search and a block move. */
  private insert(value: number): void {
    const position = this.bound(value, true);
    this.sorted.copyWithin(position + 1, position, this.size);
    this.sorted[position] = value;
    this.size += 1;
    this.madIsCurrent = false;
  }

  /**
   * Replaces one occurrence of `oldest` (among the sorted values) with `value` in place: only the
   * values between the two positions move, by one.
   */
  private replace(oldest: number, value: number): void {
    const sorted = this.sorted;
    const from = this.bound(oldest, false);
    let to = from;
    if (from > 0 && (sorted[from - 1] as number) > value) {
      to = this.bound(value, true);
      sorted.copyWithin(to + 1, to, from);
    } else if (from + 1 < this.size && (sorted[from + 1] as number) < value) {
      to = this.bound(value, false) - 1;
      sorted.copyWithin(from, from + 1, to + 1);
    }
    sorted[to] = value;
    this.madIsCurrent = false;
  }

  /**
   * Merges the complete batch (sorted) in one pass, dropping the oldest batch (`ring` from
   * `batchStart`, sorted too): the sorted values are visited in value order, so each run between
   * two of the batches' values is copied by a tight loop.
   */
  private merge(): void {
    const added = this.batch;
    const removed = this.ring;
    const size = this.size;
    const sorted = this.sorted;
    const merged = this.spare;
    const batchSize = this.refreshEvery;
    const removedEnd = this.batchStart + batchSize;
    let read = 0;
    let write = 0;
    let nextAdded = 0;
    for (let nextRemoved = this.batchStart; nextRemoved < removedEnd; nextRemoved += 1) {
      const gone = removed[nextRemoved] as number;
      while (nextAdded < batchSize && (added[nextAdded] as number) < gone) {
        const value = added[nextAdded] as number;
        while ((sorted[read] as number) <= value) merged[write++] = sorted[read++] as number;
        merged[write++] = value;
        nextAdded += 1;
      }
      // `gone` is among the sorted values, so this run ends inside the array.
      while ((sorted[read] as number) < gone) merged[write++] = sorted[read++] as number;
      read += 1;
    }
    for (; nextAdded < batchSize; nextAdded += 1) {
      const value = added[nextAdded] as number;
      while (read < size && (sorted[read] as number) <= value) {
        merged[write++] = sorted[read++] as number;
      }
      merged[write++] = value;
    }
    while (read < size) merged[write++] = sorted[read++] as number;
    this.sorted = merged;
    this.spare = sorted;
    this.madIsCurrent = false;
  }

  /**
   * The k-th smallest (0-based) absolute deviation from `center`. Deviations left of the split
   * grow leftwards and those right of it grow rightwards: two sorted runs, merged by a binary
   * search for how many to take from the left run.
   */
  private kthDeviation(k: number, center: number): number {
    const sorted = this.sorted;
    const split = this.bound(center, false);
    // left(i) = center − sorted[split − 1 − i], right(j) = sorted[split + j] − center.
    let lo = Math.max(0, k + 1 - (this.size - split));
    let hi = Math.min(k + 1, split);
    while (lo < hi) {
      const takeLeft = (lo + hi) >> 1;
      const takeRight = k + 1 - takeLeft;
      const tooFewLeft =
        takeRight > 0 &&
        (sorted[split + takeRight - 1] as number) - center >
          center - (sorted[split - 1 - takeLeft] as number);
      if (tooFewLeft) lo = takeLeft + 1;
      else hi = takeLeft;
    }
    const takeRight = k + 1 - lo;
    const lastLeft = lo > 0 ? center - (sorted[split - lo] as number) : Number.NEGATIVE_INFINITY;
    const lastRight =
      takeRight > 0 ? (sorted[split + takeRight - 1] as number) - center : Number.NEGATIVE_INFINITY;
    return Math.max(lastLeft, lastRight);
  }

  /** First index whose value is > `value` (`above`) or ≥ `value` (otherwise); size when none. */
  private bound(value: number, above: boolean): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const middle = (lo + hi) >> 1;
      const element = sorted[middle] as number;
      if (above ? element <= value : element < value) lo = middle + 1;
      else hi = middle;
    }
    return lo;
  }
}

/** Sorts `values[0, count)` in place (insertion sort: batches are small). */
function sortPrefix(values: Float64Array, count: number): void {
  for (let index = 1; index < count; index += 1) {
    const value = values[index] as number;
    let slot = index;
    while (slot > 0 && (values[slot - 1] as number) > value) {
      values[slot] = values[slot - 1] as number;
      slot -= 1;
    }
    values[slot] = value;
  }
}
