import { RollingOrderStatistics } from "../rollingOrderStatistics.ts";
import type { StreamingDetector } from "../types.ts";

export interface RobustZScoreOptions {
  /** Rows in the rolling window the median and MAD are taken over. */
  readonly window: number;
  /**
   * Once the window is full, its median and MAD are brought up to date every `refreshEvery`
   * rows (a divisor of `window`; see `RollingOrderStatistics`). Default 1: every row.
   */
  readonly refreshEvery?: number;
}

/** 1.4826 × MAD estimates σ for normal data. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Robust z-score: |x − rolling median| / (1.4826 × rolling MAD) over the previous `window` rows
 * (as of the last refresh, at most `refreshEvery − 1` rows back).
 * When the window is (nearly) constant the MAD is 0, so the scale falls back to a slow mean
 * absolute deviation and then to a tiny fraction of the level: repeated values score 0 and a
 * departure from a flat line scores high but finite.
 *
 * @example
 * const detector = new RobustZScoreDetector({ window: 304, refreshEvery: 16 });
 * const surprise = detector.update(Date.parse("2014-02-14T14:27:00Z"), 42);
 */
export class RobustZScoreDetector implements StreamingDetector {
  private readonly window: RollingOrderStatistics;
  private meanAbsoluteDeviation = 0;
  private readonly alpha: number;

  constructor(options: RobustZScoreOptions) {
    this.window = new RollingOrderStatistics(options.window, {
      refreshEvery: options.refreshEvery ?? 1,
    });
    this.alpha = 1 / options.window;
  }

  update(_timestamp: number, value: number): number {
    const window = this.window;
    let surprise = 0;
    if (window.count >= 8) {
      const center = window.median();
      const deviation = Math.abs(value - center);
      const scale = Math.max(
        MAD_TO_SIGMA * window.medianAbsoluteDeviation(),
        0.25 * this.meanAbsoluteDeviation,
        1e-9 * (1 + Math.abs(center)),
      );
      surprise = deviation / scale;
      this.meanAbsoluteDeviation += this.alpha * (deviation - this.meanAbsoluteDeviation);
    }
    window.push(value);
    return surprise;
  }
}
