import type { StreamingDetector } from "../types.ts";
import { RobustZScoreDetector } from "./robustZScore.ts";

export interface VolatilityShiftOptions {
  /** Memory, in rows, of the short-term volatility (EWMA of |Δx|). */
  readonly span: number;
  /** Rows of volatility history the current volatility is compared with (robust z-score). */
  readonly window: number;
  /** Rows between refreshes of that history's median and MAD (a divisor of `window`). Default 1. */
  readonly refreshEvery?: number;
}

/**
 * Volatility shift: tracks the short-term volatility log(EWMA |x − previous x|) and scores how
 * far it is from its own rolling median in MADs. Catches a series that gets noisier or spikier
 * without its level moving, which the level detectors miss.
 *
 * @example
 * const detector = new VolatilityShiftDetector({ span: 12, window: 608, refreshEvery: 32 });
 * detector.update(timestamp, value);
 */
export class VolatilityShiftDetector implements StreamingDetector {
  private readonly alpha: number;
  private readonly history: RobustZScoreDetector;
  private previous = Number.NaN;
  private volatility = 0;

  constructor(options: VolatilityShiftOptions) {
    this.alpha = 2 / (options.span + 1);
    this.history = new RobustZScoreDetector({
      window: options.window,
      refreshEvery: options.refreshEvery ?? 1,
    });
  }

  update(timestamp: number, value: number): number {
    const change = Number.isNaN(this.previous) ? 0 : Math.abs(value - this.previous);
    this.previous = value;
    this.volatility += this.alpha * (change - this.volatility);
    return this.history.update(timestamp, Math.log(this.volatility + 1e-12));
  }
}
