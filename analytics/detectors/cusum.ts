import type { StreamingDetector } from "../types.ts";

export interface CusumOptions {
  /** Memory, in rows, of the baseline mean and σ the residuals are standardised with. */
  readonly baselineSpan: number;
  /** Allowance k in σ: drifts smaller than this are ignored. Default 0.5 (tuned to a 1σ shift). */
  readonly allowance?: number;
  /** Decision interval h in σ: when a sum passes it, the shift is accepted and the chart restarts. Default 8. */
  readonly decisionInterval?: number;
}

/**
 * Two-sided tabular CUSUM for level shifts. Residuals are standardised against a slow EWMA
 * baseline; the surprise is the larger of the upper and lower cumulative sums. When a sum passes
 * the decision interval the baseline jumps to the recent mean (the new level is accepted) and
 * both sums restart, so one shift is reported once.
 *
 * @example
 * const detector = new CusumDetector({ baselineSpan: 500 });
 * detector.update(0, 1.2);
 */
export class CusumDetector implements StreamingDetector {
  private readonly alpha: number;
  private readonly allowance: number;
  private readonly decisionInterval: number;
  private mean = 0;
  private variance = 0;
  private recentMean = 0;
  private upper = 0;
  private lower = 0;
  private seen = 0;

  constructor(options: CusumOptions) {
    this.alpha = 2 / (options.baselineSpan + 1);
    this.allowance = options.allowance ?? 0.5;
    this.decisionInterval = options.decisionInterval ?? 8;
  }

  update(_timestamp: number, value: number): number {
    if (this.seen === 0) {
      this.mean = value;
      this.recentMean = value;
      this.seen = 1;
      return 0;
    }
    const sigma = Math.sqrt(this.variance) + 1e-9 * (1 + Math.abs(this.mean));
    const residual = (value - this.mean) / sigma;
    let surprise = 0;
    if (this.seen >= 16) {
      const step = residual > 8 ? 8 : Math.max(residual, -8);
      this.upper = Math.max(0, this.upper + step - this.allowance);
      this.lower = Math.max(0, this.lower - step - this.allowance);
      surprise = Math.max(this.upper, this.lower);
    }
    this.recentMean += 0.2 * (value - this.recentMean);
    if (surprise > this.decisionInterval) {
      this.mean = this.recentMean;
      this.upper = 0;
      this.lower = 0;
    } else {
      const alpha = Math.max(this.alpha, 1 / (this.seen + 1));
      const error = value - this.mean;
      const limit = this.seen >= 16 ? 4 * sigma : Number.POSITIVE_INFINITY;
      const clipped = error > limit ? limit : Math.max(error, -limit);
      this.mean += alpha * clipped;
      this.variance = (1 - alpha) * (this.variance + alpha * clipped * clipped);
    }
    this.seen += 1;
    return surprise;
  }
}
