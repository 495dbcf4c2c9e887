import type { StreamingDetector } from "../types.ts";

export interface RangeBreakoutOptions {
  /** Rows of history whose minimum and maximum make the range. */
  readonly window: number;
  /** Rows seen before any breakout is reported (a range of a few rows means nothing). Default 100. */
  readonly warmup?: number;
}

/**
 * Range breakout: how far a value lies outside the range [min, max] of the previous `window`
 * rows, as a fraction of that range (0 inside it). A new high or a new low over a long history
 * is rare in a healthy series and is what many incidents look like (a saturated CPU, a
 * temperature falling below anything seen, a latency above every earlier peak), whatever the
 * series' noise or seasonality. Scale-free, causal, O(1) amortised per row: two monotonic
 * queues of row numbers (the candidates for the window's maximum and minimum).
 *
 * @example
 * const detector = new RangeBreakoutDetector({ window: 8000 });
 * detector.update(timestamp, value); // 0.25: a quarter of the range above the highest value
 */
export class RangeBreakoutDetector implements StreamingDetector {
  private readonly window: number;
  private readonly warmup: number;
  /** Ring slots are `row & mask` (a power of two above the window: no division per access). */
  private readonly mask: number;
  private readonly values: Float64Array;
  /** Ring-buffered deques of row numbers: values decreasing (maxima) and increasing (minima). */
  private readonly maxRows: Float64Array;
  private readonly minRows: Float64Array;
  private maxHead = 0;
  private maxTail = 0;
  private minHead = 0;
  private minTail = 0;
  private row = 0;

  constructor(options: RangeBreakoutOptions) {
    this.window = options.window;
    this.warmup = Math.max(1, options.warmup ?? 100);
    const capacity = 2 ** Math.ceil(Math.log2(options.window + 1));
    this.mask = capacity - 1;
    this.values = new Float64Array(capacity);
    this.maxRows = new Float64Array(capacity);
    this.minRows = new Float64Array(capacity);
  }

  update(_timestamp: number, value: number): number {
    const mask = this.mask;
    const oldest = this.row - this.window;
    while (this.maxHead < this.maxTail && this.rowAt(this.maxRows, this.maxHead) < oldest) {
      this.maxHead += 1;
    }
    while (this.minHead < this.minTail && this.rowAt(this.minRows, this.minHead) < oldest) {
      this.minHead += 1;
    }
    let surprise = 0;
    if (this.row >= this.warmup) {
      const highest = this.values[this.rowAt(this.maxRows, this.maxHead) & mask] as number;
      const lowest = this.values[this.rowAt(this.minRows, this.minHead) & mask] as number;
      const range = Math.max(highest - lowest, 1e-9 * (1 + Math.abs(highest)));
      if (value > highest) surprise = (value - highest) / range;
      else if (value < lowest) surprise = (lowest - value) / range;
    }
    this.values[this.row & mask] = value;
    while (
      this.maxHead < this.maxTail &&
      (this.values[this.rowAt(this.maxRows, this.maxTail - 1) & mask] as number) <= value
    ) {
      this.maxTail -= 1;
    }
    this.maxRows[this.maxTail & mask] = this.row;
    this.maxTail += 1;
    while (
      this.minHead < this.minTail &&
      (this.values[this.rowAt(this.minRows, this.minTail - 1) & mask] as number) >= value
    ) {
      this.minTail -= 1;
    }
    this.minRows[this.minTail & mask] = this.row;
    this.minTail += 1;
    this.row += 1;
    return surprise;
  }

  private rowAt(rows: Float64Array, position: number): number {
    return rows[position & this.mask] as number;
  }
}
