import type { StreamingDetector } from "../types.ts";

export interface EwmaControlChartOptions {
  /** Effective memory in rows; the smoothing factor is 2 / (span + 1). */
  readonly span: number;
  /** Residuals are clipped to this many σ before they update the chart, so spikes do not blow up σ. */
  readonly clip?: number;
}

/**
 * EWMA control chart: forecasts the next value with an exponentially weighted mean and scores
 * |x − mean| / σ, where σ² is the exponentially weighted variance of the forecast errors.
 *
 * @example
 * const detector = new EwmaControlChartDetector({ span: 50 });
 * detector.update(0, 10); // 0 while warming up
 */
export class EwmaControlChartDetector implements StreamingDetector {
  private readonly alpha: number;
  private readonly clip: number;
  private mean = 0;
  private variance = 0;
  private seen = 0;

  constructor(options: EwmaControlChartOptions) {
    this.alpha = 2 / (options.span + 1);
    this.clip = options.clip ?? 4;
  }

  update(_timestamp: number, value: number): number {
    if (this.seen === 0) {
      this.mean = value;
      this.seen = 1;
      return 0;
    }
    const error = value - this.mean;
    const sigma = Math.sqrt(this.variance) + 1e-9 * (1 + Math.abs(this.mean));
    const surprise = this.seen >= 8 ? Math.abs(error) / sigma : 0;
    const limit = this.seen >= 8 ? this.clip * sigma : Number.POSITIVE_INFINITY;
    const clipped = error > limit ? limit : Math.max(error, -limit);
    const alpha = Math.max(this.alpha, 1 / (this.seen + 1));
    this.mean += alpha * clipped;
    this.variance = (1 - alpha) * (this.variance + alpha * clipped * clipped);
    this.seen += 1;
    return surprise;
  }
}
