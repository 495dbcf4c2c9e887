import { CalibratedDetector } from "./calibratedDetector.ts";
import { CusumDetector } from "./detectors/cusum.ts";
import { EwmaControlChartDetector } from "./detectors/ewmaControlChart.ts";
import { RobustZScoreDetector } from "./detectors/robustZScore.ts";
import { SeasonalBaselineDetector } from "./detectors/seasonalBaseline.ts";
import { VolatilityShiftDetector } from "./detectors/volatilityShift.ts";
import { EnsembleDetector } from "./ensemble.ts";
import { SeriesInputError } from "./errors.ts";
import { DETECTOR_NAMES, type DetectorName, type StreamingDetector } from "./types.ts";

/**
 * The one configuration used for every series (no per-series tuning). Windows are in rows.
 */
const createRawDetectors = {
  "robust-z": () => new RobustZScoreDetector({ window: 301 }),
  ewma: () => new EwmaControlChartDetector({ span: 50 }),
  seasonal: () => new SeasonalBaselineDetector(),
  cusum: () => new CusumDetector({ baselineSpan: 500 }),
  volatility: () => new VolatilityShiftDetector({ span: 12, window: 601 }),
} satisfies Record<Exclude<DetectorName, "ensemble">, () => StreamingDetector>;

/**
 * A fresh calibrated detector (scores in [0, 1]) for one series.
 *
 * @example
 * const detector = createDetector("ensemble");
 * const score = detector.update(Date.parse("2014-02-14T14:27:00Z"), 0.132);
 */
export function createDetector(name: DetectorName = "ensemble"): StreamingDetector {
  if (name === "ensemble") {
    return new EnsembleDetector(Object.values(createRawDetectors).map((create) => create()));
  }
  return new CalibratedDetector(createRawDetectors[name]());
}

/**
 * Validates a detector name from the command line.
 *
 * @example
 * parseDetectorName("cusum"); // "cusum"
 */
export function parseDetectorName(name: string): DetectorName {
  if ((DETECTOR_NAMES as readonly string[]).includes(name)) return name as DetectorName;
  throw new SeriesInputError(
    "UNKNOWN_DETECTOR",
    `Detector '${name}' is not one of ${DETECTOR_NAMES.join(" | ")}`,
  );
}
