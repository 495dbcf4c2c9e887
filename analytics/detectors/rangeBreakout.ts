import type { StreamingDetector } from "../types.ts";

export interface RangeBreakoutOptions {
  /** Rows of history whose minimum and maximum make the range (whole rows, at least 1). */
  readonly window: number;
  /** Rows seen before any breakout is reported (a range of a few rows means nothing). Default 100. */
  readonly warmup?: number;
}

/**
 * Range breakout: how far a value lies outside the range [min, max] of the previous `window`
 * rows, as a fraction of that range (0 inside it). A new high or a new low over a long history
 * is rare in a healthy series and is what many incidents look like (a saturated CPU, a
 * temperature falling below anything seen, a latency above every earlier peak), whatever the
 * series' noise or seasonality. Scale-free, causal, O(1) amortised per row with no
 * data-dependent loop (van Herk / Gil–Werman): the rows are cut into blocks of `window` rows, so
 * the previous `window` rows are the tail of the previous block, whose suffix extremes are
 * computed once when it completes, and the head of the current block, whose extremes run along.
 * The first block holds only the first 64 rows (its earlier positions are NaN, which no
 * comparison picks), so that the completing code has run, with type feedback, before the update
 * is optimised (first run at row `window`, it would deoptimise the ensemble's update).
 * Values are finite (the CSV parser rejects the others).
 *
 * @example
 * const detector = new RangeBreakoutDetector({ window: 8000 });
 * detector.update(timestamp, value); // 0.25: a quarter of the range above the highest value
 */
/** Rows of the first, shortened block (more than V8's calls before it collects feedback). */
const FIRST_BLOCK_ROWS = 64;

export class RangeBreakoutDetector implements StreamingDetector {
  private readonly window: number;
  private readonly warmup: number;
  /** The current block's values, by position in the block. */
  private readonly blockValues: Float64Array;
  /** Extremes of the previous block from each position to its end. */
  private readonly suffixMax: Float64Array;
  private readonly suffixMin: Float64Array;
  /** Extremes of the current block's rows so far. */
  private prefixMax = Number.NEGATIVE_INFINITY;
  private prefixMin = Number.POSITIVE_INFINITY;
  /** Position of the next row in the current block. */
  private position: number;
  private row = 0;

  constructor(options: RangeBreakoutOptions) {
    this.window = Math.max(1, Math.floor(options.window));
    this.warmup = Math.max(1, options.warmup ?? 100);
    this.position = this.window - Math.min(this.window, FIRST_BLOCK_ROWS);
    this.blockValues = new Float64Array(this.window).fill(Number.NaN);
    // No previous block yet: extremes that any value replaces.
    this.suffixMax = new Float64Array(this.window).fill(Number.NEGATIVE_INFINITY);
    this.suffixMin = new Float64Array(this.window).fill(Number.POSITIVE_INFINITY);
  }

  update(_timestamp: number, value: number): number {
    const row = this.row;
    const position = this.position;
    let surprise = 0;
    if (row >= this.warmup) {
      // The window is the previous block from `position` on, then the current block's rows.
      let highest = this.suffixMax[position] as number;
      let lowest = this.suffixMin[position] as number;
      if (position > 0) {
        if (this.prefixMax > highest) highest = this.prefixMax;
        if (this.prefixMin < lowest) lowest = this.prefixMin;
      }
      if (value > highest || value < lowest) {
        const range = Math.max(highest - lowest, 1e-9 * (1 + Math.abs(highest)));
        surprise = (value > highest ? value - highest : lowest - value) / range;
      }
    }
    this.addToBlock(position, value);
    this.row = row + 1;
    return surprise;
  }

  private addToBlock(position: number, value: number): void {
    this.blockValues[position] = value;
    if (position === 0) {
      this.prefixMax = value;
      this.prefixMin = value;
    } else {
      // Stored on every row: a store first reached late has no type feedback and deoptimises.
      this.prefixMax = Math.max(value, this.prefixMax);
      this.prefixMin = Math.min(value, this.prefixMin);
    }
    if (position + 1 < this.window) {
      this.position = position + 1;
      return;
    }
    // The block is complete: its suffix extremes serve the next `window` rows.
    const { blockValues, suffixMax, suffixMin } = this;
    let highest = Number.NEGATIVE_INFINITY;
    let lowest = Number.POSITIVE_INFINITY;
    for (let index = position; index >= 0; index -= 1) {
      const blockValue = blockValues[index] as number;
      if (blockValue > highest) highest = blockValue;
      if (blockValue < lowest) lowest = blockValue;
      suffixMax[index] = highest;
      suffixMin[index] = lowest;
    }
    this.position = 0;
  }
}
