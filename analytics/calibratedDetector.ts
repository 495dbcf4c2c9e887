import { anomalyProbability, TailCalibrator } from "./calibration.ts";
import type { StreamingDetector } from "./types.ts";

/**
 * Wraps a raw detector so that it returns a probability in [0, 1]: its surprise is turned into
 * a tail p-value on its own past scores, then into a probability of anomaly.
 *
 * @example
 * const detector = new CalibratedDetector(new EwmaControlChartDetector({ span: 50 }));
 * detector.update(timestamp, value); // in [0, 1]
 */
export class CalibratedDetector implements StreamingDetector {
  private readonly calibrator = new TailCalibrator();

  constructor(private readonly raw: StreamingDetector) {}

  update(timestamp: number, value: number): number {
    return anomalyProbability(this.calibrator.pValue(this.raw.update(timestamp, value)));
  }
}
