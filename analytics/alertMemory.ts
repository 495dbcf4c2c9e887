export interface AlertMemoryOptions {
  /** Rows in an alert's shape (the alerting row and the rows before it). Default 8. */
  readonly length?: number;
  /** Largest difference of normalised shapes (at any row) still counted as similar. Default 0.4. */
  readonly tolerance?: number;
  /** Largest ratio between two alerts' sizes still counted as similar. Default 1.5. */
  readonly sizeRatio?: number;
  /** Alerts remembered (the most recent ones). Default 32. */
  readonly capacity?: number;
  /** Rows after which an alert is forgotten. Default 8000. */
  readonly maxAge?: number;
  /** Memory, in rows, of the level shapes are measured from (EWMA). Default 300. */
  readonly levelSpan?: number;
}

/**
 * Memory of the shapes of past alerts, so that an event of a kind already alerted on (a reset
 * of a batch job, a dip a machine makes now and then) is not alerted on again. An alert's shape
 * is its last `length` values minus a slow level (an EWMA of the previous rows), divided by the
 * largest absolute deviation among them, which is also the alert's size. A new candidate is
 * similar to a remembered alert when their sizes are within `sizeRatio` of each other and no
 * point of the two shapes differs by `tolerance` or more; its similarity is 1 − (largest
 * difference) / tolerance, the best over the remembered alerts younger than `maxAge` rows.
 *
 * @example
 * const memory = new AlertMemory();
 * const similarity = memory.similarity(value); // in [0, 1], before observing the row
 * if (alerted) memory.remember();
 * memory.observe(value);
 */
export class AlertMemory {
  private readonly length: number;
  private readonly tolerance: number;
  private readonly sizeRatio: number;
  private readonly capacity: number;
  private readonly maxAge: number;
  private readonly alpha: number;
  /** The last `length` values (a ring, indexed by row % length). */
  private readonly recent: Float64Array;
  /** row % length, kept by `observe` (no division per row). */
  private recentSlot = 0;
  /** The shape of the row last passed to `similarity`. */
  private readonly candidate: Float64Array;
  private candidateSize = 0;
  private candidateRow = -1;
  private readonly shapes: Float64Array;
  private readonly sizes: Float64Array;
  private readonly rows: Float64Array;
  private remembered = 0;
  private row = 0;
  private level = 0;

  constructor(options: AlertMemoryOptions = {}) {
    this.length = options.length ?? 8;
    this.tolerance = options.tolerance ?? 0.4;
    this.sizeRatio = options.sizeRatio ?? 1.5;
    this.capacity = options.capacity ?? 32;
    this.maxAge = options.maxAge ?? 8000;
    this.alpha = 2 / ((options.levelSpan ?? 300) + 1);
    this.recent = new Float64Array(this.length);
    this.candidate = new Float64Array(this.length);
    this.shapes = new Float64Array(this.capacity * this.length);
    this.sizes = new Float64Array(this.capacity);
    this.rows = new Float64Array(this.capacity);
  }

  /** Similarity in [0, 1] of the shape ending with `value` to a remembered alert's. */
  similarity(value: number): number {
    const length = this.length;
    if (this.row < length) return 0;
    let size = 0;
    // The oldest of the last `length - 1` values is at slot (row + 1) % length.
    const oldest = this.recentSlot + 1 === length ? 0 : this.recentSlot + 1;
    for (let index = 0; index < length; index += 1) {
      const slot = oldest + index < length ? oldest + index : oldest + index - length;
      const point = index === length - 1 ? value : (this.recent[slot] as number);
      const deviation = point - this.level;
      this.candidate[index] = deviation;
      size = Math.max(size, Math.abs(deviation));
    }
    if (!(size > 0)) return 0;
    for (let index = 0; index < length; index += 1) {
      this.candidate[index] = (this.candidate[index] as number) / size;
    }
    this.candidateSize = size;
    this.candidateRow = this.row;
    let best = 0;
    const count = Math.min(this.remembered, this.capacity);
    for (let alert = 0; alert < count; alert += 1) {
      const ratio = size / (this.sizes[alert] as number);
      if (this.row - (this.rows[alert] as number) > this.maxAge) continue;
      if (ratio < 1 / this.sizeRatio || ratio > this.sizeRatio) continue;
      let largest = 0;
      const offset = alert * length;
      for (let index = 0; index < length && largest < this.tolerance; index += 1) {
        const difference = Math.abs(
          (this.candidate[index] as number) - (this.shapes[offset + index] as number),
        );
        if (difference > largest) largest = difference;
      }
      best = Math.max(best, 1 - largest / this.tolerance);
    }
    return best;
  }

  /** Remembers the shape of the current row (the one `similarity` was last asked about). */
  remember(): void {
    if (this.candidateRow !== this.row) return;
    const slot = this.remembered % this.capacity;
    this.shapes.set(this.candidate, slot * this.length);
    this.sizes[slot] = this.candidateSize;
    this.rows[slot] = this.row;
    this.remembered += 1;
  }

  /** Adds the row's value to the recent values and moves the level towards it. */
  observe(value: number): void {
    const slot = this.recentSlot;
    this.recent[slot] = value;
    this.recentSlot = slot + 1 === this.length ? 0 : slot + 1;
    this.level = this.row === 0 ? value : this.level + this.alpha * (value - this.level);
    this.row += 1;
  }
}
