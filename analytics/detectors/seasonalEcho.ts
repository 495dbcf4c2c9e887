export interface SeasonalEchoOptions {
  /** The season, in milliseconds. Default one day. */
  readonly periodMs?: number;
  /** How many past periods must all show the echo. Default 2. */
  readonly periods?: number;
  /** Half-width of the time window searched around the same time of a past period. Default 1 h. */
  readonly toleranceMs?: number;
  /** Rows of history kept, rounded up to a power of two (an older period has no echo). Default 8192. */
  readonly capacity?: number;
  /** Memory, in rows, of the level deviations are measured from (EWMA). Default 300. */
  readonly levelSpan?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Seasonal echo: whether the current deviation happened at the same time of day before. The
 * deviation is measured from a slow level (an EWMA of the previous rows); for each of the last
 * `periods` periods, the rows within ±`toleranceMs` of the same time are searched for the
 * largest deviation on the same side, and the echo of that period is how much of the current
 * deviation it reached (capped at 1). The familiarity is the weakest echo over the periods: a
 * nightly job's spike that came yesterday and the day before at about this hour is familiar
 * (close to 1), a spike as large at an hour when nothing happened is not (0). Not a detector:
 * the ensemble asks for it only on rows its members find surprising (a binary search and a scan
 * of the tolerance window per period) and discounts its magnitude members' evidence by it;
 * `observe` costs a few nanoseconds on every row.
 *
 * @example
 * const echo = new SeasonalEcho();
 * echo.familiarity(timestamp, value); // in [0, 1], before observing the row
 * echo.observe(timestamp, value);
 */
export class SeasonalEcho {
  private readonly periodMs: number;
  private readonly periods: number;
  private readonly toleranceMs: number;
  private readonly capacity: number;
  /** Ring slots are `row & mask`: no division per access. */
  private readonly mask: number;
  private readonly alpha: number;
  private readonly timestamps: Float64Array;
  private readonly values: Float64Array;
  private count = 0;
  private level = 0;

  constructor(options: SeasonalEchoOptions = {}) {
    this.periodMs = options.periodMs ?? DAY_MS;
    this.periods = options.periods ?? 2;
    this.toleranceMs = options.toleranceMs ?? HOUR_MS;
    this.capacity = 2 ** Math.ceil(Math.log2(Math.max(2, options.capacity ?? 8192)));
    this.mask = this.capacity - 1;
    this.alpha = 2 / ((options.levelSpan ?? 300) + 1);
    this.timestamps = new Float64Array(this.capacity);
    this.values = new Float64Array(this.capacity);
  }

  /** Familiarity in [0, 1] of `value` at `timestamp` (call before `observe` of the same row). */
  familiarity(timestamp: number, value: number): number {
    if (this.count === 0) return 0;
    const deviation = value - this.level;
    let familiarity = 1;
    for (let period = 1; period <= this.periods && familiarity > 0; period += 1) {
      const reached = this.largestDeviationNear(timestamp - period * this.periodMs, deviation >= 0);
      if (Number.isNaN(reached)) return 0;
      if (deviation !== 0) {
        familiarity = Math.min(familiarity, Math.max(0, reached / Math.abs(deviation)));
      }
    }
    return familiarity;
  }

  /** Adds a row to the history and moves the level towards it. */
  observe(timestamp: number, value: number): void {
    const slot = this.count & this.mask;
    this.timestamps[slot] = timestamp;
    this.values[slot] = value;
    this.level = this.count === 0 ? value : this.level + this.alpha * (value - this.level);
    this.count += 1;
  }

  /**
   * The largest deviation from the current level, on the upper (or lower) side, among the kept
   * rows within ±tolerance of `center`; NaN when no kept row is that close.
   */
  private largestDeviationNear(center: number, upper: boolean): number {
    const mask = this.mask;
    const first = Math.max(0, this.count - this.capacity);
    // The first row after center + tolerance (timestamps ascend).
    const last = center + this.toleranceMs;
    let low = first;
    let high = this.count;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((this.timestamps[middle & mask] as number) > last) high = middle;
      else low = middle + 1;
    }
    const earliest = center - this.toleranceMs;
    let reached = Number.NaN;
    for (let row = low - 1; row >= first; row -= 1) {
      if ((this.timestamps[row & mask] as number) < earliest) break;
      const deviation = (this.values[row & mask] as number) - this.level;
      const onSide = upper ? deviation : -deviation;
      if (!(onSide <= reached)) reached = onSide;
    }
    return reached;
  }
}
