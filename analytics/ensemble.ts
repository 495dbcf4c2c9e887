import { anomalyProbability, TailCalibrator } from "./calibration.ts";
import type { StreamingDetector } from "./types.ts";

/**
 * Combines raw detectors into one probability: each member's surprise is calibrated into a
 * p-value on that member's own past, the smallest p-value is Bonferroni-corrected for the number
 * of members (so adding detectors does not add false alarms), and the result is mapped to a
 * probability of anomaly.
 *
 * @example
 * const ensemble = new EnsembleDetector([new RobustZScoreDetector({ window: 300 }), new CusumDetector({ baselineSpan: 500 })]);
 * ensemble.update(timestamp, value); // in [0, 1]
 */
export class EnsembleDetector implements StreamingDetector {
  private readonly calibrators: TailCalibrator[];

  constructor(private readonly members: readonly StreamingDetector[]) {
    this.calibrators = members.map(() => new TailCalibrator());
  }

  update(timestamp: number, value: number): number {
    let smallest = 1;
    for (let index = 0; index < this.members.length; index += 1) {
      const surprise = (this.members[index] as StreamingDetector).update(timestamp, value);
      const pValue = (this.calibrators[index] as TailCalibrator).pValue(surprise);
      if (pValue < smallest) smallest = pValue;
    }
    return anomalyProbability(Math.min(1, smallest * this.members.length));
  }
}
