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
  /** Ring slots are `position & mask` (a power of two above the window: no division per access). */
  private readonly mask: number;
  /** Deques (rings) of the candidates for the maximum (values decreasing) and the minimum. */
  private readonly maxValues: Float64Array;
  private readonly maxRows: Float64Array;
  private readonly minValues: Float64Array;
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
    this.maxValues = new Float64Array(capacity);
    this.maxRows = new Float64Array(capacity);
    this.minValues = new Float64Array(capacity);
    this.minRows = new Float64Array(capacity);
  }

  update(_timestamp: number, value: number): number {
    const { mask, maxValues, maxRows, minValues, minRows } = this;
    const row = this.row;
    const oldest = row - this.window;
    let maxHead = this.maxHead;
    let maxTail = this.maxTail;
    let minHead = this.minHead;
    let minTail = this.minTail;
    // The window moves by one row, so at most the head candidate (that row) leaves it. Counted
    // with a ternary, not a loop: a loop body first run at row `window` has no type feedback and
    // deoptimises whatever the update is inlined into (the ensemble's update).
    maxHead += maxHead < maxTail && (maxRows[maxHead & mask] as number) < oldest ? 1 : 0;
    minHead += minHead < minTail && (minRows[minHead & mask] as number) < oldest ? 1 : 0;
    let surprise = 0;
    if (row >= this.warmup) {
      const highest = maxValues[maxHead & mask] as number;
      const lowest = minValues[minHead & mask] as number;
      if (value > highest || value < lowest) {
        const range = Math.max(highest - lowest, 1e-9 * (1 + Math.abs(highest)));
        surprise = (value > highest ? value - highest : lowest - value) / range;
      }
    }
    while (maxHead < maxTail && (maxValues[(maxTail - 1) & mask] as number) <= value) maxTail -= 1;
    maxValues[maxTail & mask] = value;
    maxRows[maxTail & mask] = row;
    while (minHead < minTail && (minValues[(minTail - 1) & mask] as number) >= value) minTail -= 1;
    minValues[minTail & mask] = value;
    minRows[minTail & mask] = row;
    this.maxHead = maxHead;
    this.maxTail = maxTail + 1;
    this.minHead = minHead;
    this.minTail = minTail + 1;
    this.row = row + 1;
    return surprise;
  }
}
