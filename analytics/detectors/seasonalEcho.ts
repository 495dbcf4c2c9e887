export interface SeasonalEchoOptions {
  /** The season, in milliseconds. Default one day. */
  readonly periodMs?: number;
  /** How many past periods must all show the echo. Default 2. */
  readonly periods?: number;
  /** Half-width of the time window searched around the same time of a past period. Default 1 h. */
  readonly toleranceMs?: number;
  /** Rows of history kept (a period older than this has no echo). Default 8192. */
  readonly capacity?: number;
  /** Memory, in rows, of the level deviations are measured from (EWMA). Default 300. */
  readonly levelSpan?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The rows of one past period's time window, with monotonic queues for their extremes. */
interface LaggedWindow {
  readonly lagMs: number;
  /** Next history row not yet admitted to the window. */
  next: number;
  readonly maxRows: Float64Array;
  readonly minRows: Float64Array;
  maxHead: number;
  maxTail: number;
  minHead: number;
  minTail: number;
}

/**
 * Seasonal echo: whether the current deviation happened at the same time of day before. The
 * deviation is measured from a slow level (an EWMA of the previous rows); for each of the last
 * `periods` periods, the rows within ±`toleranceMs` of the same time are the window, and the
 * echo of that period is how much of the current deviation the window's largest deviation on the
 * same side reached (capped at 1). The familiarity is the weakest echo over the periods: a
 * nightly job's spike that came yesterday and the day before at about this hour is familiar
 * (close to 1), a spike as large at an hour when nothing happened is not (0). Each window's
 * minimum and maximum are kept by monotonic queues as the windows slide with time, so a row costs
 * O(1) amortised. Not a detector: the ensemble discounts its magnitude members' evidence by it.
 *
 * @example
 * const echo = new SeasonalEcho();
 * echo.familiarity(timestamp, value); // in [0, 1], before observing the row
 * echo.observe(timestamp, value);
 */
export class SeasonalEcho {
  private readonly toleranceMs: number;
  private readonly capacity: number;
  private readonly alpha: number;
  private readonly timestamps: Float64Array;
  private readonly values: Float64Array;
  private readonly windows: LaggedWindow[];
  private count = 0;
  private level = 0;

  constructor(options: SeasonalEchoOptions = {}) {
    const periodMs = options.periodMs ?? DAY_MS;
    this.toleranceMs = options.toleranceMs ?? HOUR_MS;
    this.capacity = options.capacity ?? 8192;
    this.alpha = 2 / ((options.levelSpan ?? 300) + 1);
    this.timestamps = new Float64Array(this.capacity);
    this.values = new Float64Array(this.capacity);
    this.windows = Array.from({ length: options.periods ?? 2 }, (_, index) => ({
      lagMs: (index + 1) * periodMs,
      next: 0,
      maxRows: new Float64Array(this.capacity),
      minRows: new Float64Array(this.capacity),
      maxHead: 0,
      maxTail: 0,
      minHead: 0,
      minTail: 0,
    }));
  }

  /** Familiarity in [0, 1] of `value` at `timestamp` (call before `observe` of the same row). */
  familiarity(timestamp: number, value: number): number {
    if (this.count === 0) return 0;
    const deviation = value - this.level;
    let familiarity = 1;
    for (const window of this.windows) {
      this.slide(window, timestamp);
      let reached = 0;
      if (deviation > 0 && window.maxHead < window.maxTail) {
        reached = this.valueAt(window.maxRows, window.maxHead) - this.level;
      } else if (deviation < 0 && window.minHead < window.minTail) {
        reached = this.level - this.valueAt(window.minRows, window.minHead);
      } else if (deviation !== 0 || window.maxHead === window.maxTail) {
        return 0;
      } else {
        continue;
      }
      familiarity = Math.min(familiarity, Math.max(0, reached / Math.abs(deviation)));
    }
    return familiarity;
  }

  /** Adds a row to the history and moves the level towards it. */
  observe(timestamp: number, value: number): void {
    const slot = this.count % this.capacity;
    this.timestamps[slot] = timestamp;
    this.values[slot] = value;
    this.level = this.count === 0 ? value : this.level + this.alpha * (value - this.level);
    this.count += 1;
  }

  /** Moves a lagged window to [t − lag − tolerance, t − lag + tolerance]. */
  private slide(window: LaggedWindow, timestamp: number): void {
    const capacity = this.capacity;
    const oldestKept = Math.max(0, this.count - capacity);
    const last = timestamp - window.lagMs + this.toleranceMs;
    if (window.next < oldestKept) window.next = oldestKept;
    while (
      window.next < this.count &&
      (this.timestamps[window.next % capacity] as number) <= last
    ) {
      const row = window.next;
      const value = this.values[row % capacity] as number;
      while (
        window.maxHead < window.maxTail &&
        this.valueAt(window.maxRows, window.maxTail - 1) <= value
      ) {
        window.maxTail -= 1;
      }
      window.maxRows[window.maxTail % capacity] = row;
      window.maxTail += 1;
      while (
        window.minHead < window.minTail &&
        this.valueAt(window.minRows, window.minTail - 1) >= value
      ) {
        window.minTail -= 1;
      }
      window.minRows[window.minTail % capacity] = row;
      window.minTail += 1;
      window.next += 1;
    }
    const first = timestamp - window.lagMs - this.toleranceMs;
    while (
      window.maxHead < window.maxTail &&
      !this.keeps(window.maxRows, window.maxHead, first, oldestKept)
    ) {
      window.maxHead += 1;
    }
    while (
      window.minHead < window.minTail &&
      !this.keeps(window.minRows, window.minHead, first, oldestKept)
    ) {
      window.minHead += 1;
    }
  }

  /** Whether the history row queued at `position` is still kept and not before `first`. */
  private keeps(rows: Float64Array, position: number, first: number, oldestKept: number): boolean {
    const row = rows[position % this.capacity] as number;
    return row >= oldestKept && (this.timestamps[row % this.capacity] as number) >= first;
  }

  private valueAt(rows: Float64Array, position: number): number {
    return this.values[(rows[position % this.capacity] as number) % this.capacity] as number;
  }
}
