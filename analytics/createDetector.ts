import { AlertMemory } from "./alertMemory.ts";
import { CalibratedDetector } from "./calibratedDetector.ts";
import { CusumDetector } from "./detectors/cusum.ts";
import { EwmaControlChartDetector } from "./detectors/ewmaControlChart.ts";
import { RangeBreakoutDetector } from "./detectors/rangeBreakout.ts";
import { RobustZScoreDetector } from "./detectors/robustZScore.ts";
import { SeasonalBaselineDetector } from "./detectors/seasonalBaseline.ts";
import { SeasonalEcho } from "./detectors/seasonalEcho.ts";
import { SubsequenceNoveltyDetector } from "./detectors/subsequenceNovelty.ts";
import { VolatilityShiftDetector } from "./detectors/volatilityShift.ts";
import { EnsembleDetector, type EnsembleOptions } from "./ensemble.ts";
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
  novelty: () => new SubsequenceNoveltyDetector({ length: 8, downsample: 4, history: 400 }),
} satisfies Record<Exclude<DetectorName, "ensemble">, () => StreamingDetector>;

/**
 * A fresh calibrated detector (scores in [0, 1]) for one series.
 *
 * @example
 * const detector = createDetector("ensemble");
 * const score = detector.update(Date.parse("2014-02-14T14:27:00Z"), 0.132);
 */
export function createDetector(name: DetectorName = "ensemble"): StreamingDetector {
  if (name === "ensemble") return createEnsemble();
  return new CalibratedDetector(createRawDetectors[name]());
}

/**
 * The ensemble of every raw detector, novelty as one more Fisher member; `options` exist for
 * benchmarking alternatives. The familiarity discount (novelty weighting the others' evidence)
 * scores 60.93 on NAB against 58.99 but is off by default: novelty is judged at the end of each
 * 4-row block, so on a familiar-looking series it silenced a huge spike on its own row and
 * alerted three rows late — an ops alert must come on the row that shows the problem.
 *
 * @example
 * const detector = createEnsemble({ familiarityDiscount: true }); // the NAB-tuned variant
 */
export function createEnsemble(
  options: Omit<
    EnsembleOptions,
    "novelty" | "echo" | "echoDiscounted" | "breakout" | "alertMemory" | "calibration"
  > & {
    members?: Array<Exclude<DetectorName, "ensemble">>;
    /** Whether novelty discounts the other members, or is one more Fisher member (default). */
    familiarityDiscount?: boolean;
    /** Whether a seasonal echo discounts the magnitude members (robust-z, EWMA, seasonal). */
    seasonalEcho?: boolean;
    /** Whether a range breakout over the last `breakoutWindow` rows alerts on its own. */
    rangeBreakout?: boolean;
    /** Rows of history of the range breakout. Default 8000. */
    breakoutWindow?: number;
    /** Half-width, in minutes, of the seasonal echo's window around the same time. Default 60. */
    echoToleranceMinutes?: number;
    /** Whether the shapes of past alerts suppress alerts on similar events. */
    alertMemory?: boolean;
    /** Memory, in rows, of the members' calibrators. Default 5000. */
    calibrationMemory?: number;
  } = {},
): StreamingDetector {
  const names =
    options.members ?? (Object.keys(createRawDetectors) as Array<keyof typeof createRawDetectors>);
  const discount = options.familiarityDiscount === true && names.includes("novelty");
  const members = discount ? names.filter((name) => name !== "novelty") : names;
  return new EnsembleDetector(
    members.map((name) => createRawDetectors[name]()),
    {
      ...options,
      ...(discount ? { novelty: createRawDetectors.novelty() } : {}),
      ...(options.seasonalEcho === true
        ? {
            echo: new SeasonalEcho({ toleranceMs: (options.echoToleranceMinutes ?? 60) * 60_000 }),
            echoDiscounted: members.map((name) => MAGNITUDE_MEMBERS.includes(name)),
          }
        : {}),
      ...(options.rangeBreakout === true
        ? { breakout: new RangeBreakoutDetector({ window: options.breakoutWindow ?? 8000 }) }
        : {}),
      ...(options.alertMemory === true ? { alertMemory: new AlertMemory() } : {}),
      ...(options.calibrationMemory === undefined
        ? {}
        : { calibration: { memory: options.calibrationMemory } }),
    },
  );
}

/** Members that score the size of the current value's deviation (what a seasonal echo explains). */
const MAGNITUDE_MEMBERS: readonly string[] = ["robust-z", "ewma", "seasonal"];

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
