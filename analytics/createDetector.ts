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
 * The one configuration used for every series (no per-series tuning). Windows are in rows. The
 * rolling medians and MADs are refreshed in batches (robust-z every 16 rows, the volatility's
 * smoother history every 32): half the cost of every row, and the same NAB score (bench/nab).
 */
const createRawDetectors = {
  "robust-z": () => new RobustZScoreDetector({ window: 304, refreshEvery: 16 }),
  ewma: () => new EwmaControlChartDetector({ span: 50 }),
  seasonal: () => new SeasonalBaselineDetector(),
  cusum: () => new CusumDetector({ baselineSpan: 500 }),
  volatility: () => new VolatilityShiftDetector({ span: 12, window: 608, refreshEvery: 32 }),
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

export interface CreateEnsembleOptions {
  /** Raw members (default: every raw detector). */
  readonly members?: Array<Exclude<DetectorName, "ensemble">>;
  /** Whether novelty discounts the other members (default false: one more Fisher member). */
  readonly familiarityDiscount?: boolean;
  /** Whether a seasonal echo discounts the magnitude members (robust-z, EWMA, seasonal). Default true. */
  readonly seasonalEcho?: boolean;
  /** Half-width, in minutes, of the seasonal echo's window around the same time. Default 90. */
  readonly echoToleranceMinutes?: number;
  /** Whether a new high or low over the last `breakoutWindow` rows alerts on its own. Default true. */
  readonly rangeBreakout?: boolean;
  /** Rows of history of the range breakout. Default 8000. */
  readonly breakoutWindow?: number;
  /** Breakout, as a fraction of the range, that alone scores 0.5. Default 0.1. */
  readonly breakoutMargin?: number;
  /**
   * Whether the shapes of past alerts suppress alerts on similar events (an outage like one
   * alerted on within `AlertMemory`'s 8000 rows would not alert again). Default false: a repeat
   * of an incident is news to on-call. NAB scores it 75.94 on, 74.40 off.
   */
  readonly rememberAlerts?: boolean;
  /** Memory, in rows, of the members' calibrators. Default 50 000. */
  readonly calibrationMemory?: number;
  /** Half-life, in rows, of the episode debouncer. Default 70. */
  readonly debounceHalfLife?: number;
  /** Odds ratio of the final score (moves its 0.5 point, keeps its ranking). Default 1. */
  readonly alertOddsRatio?: number;
}

/**
 * The ensemble of every raw detector, with the seasonal echo and the range breakout on, the alert
 * memory off (NAB 74.40 with the threshold optimised, 58.73 at 0.5; bench/nab/README.md). Options
 * exist for benchmarking alternatives. The familiarity discount (novelty weighting the others'
 * evidence) is off: novelty is judged at the end of each 4-row block, so on a familiar-looking
 * series it silenced a huge spike on its own row and alerted three rows late.
 *
 * @example
 * const detector = createEnsemble({ rememberAlerts: true }); // a repeat of an alerted event does not
 */
export function createEnsemble(options: CreateEnsembleOptions = {}): StreamingDetector {
  const names =
    options.members ?? (Object.keys(createRawDetectors) as Array<keyof typeof createRawDetectors>);
  const discount = options.familiarityDiscount === true && names.includes("novelty");
  const members = discount ? names.filter((name) => name !== "novelty") : names;
  const ensembleOptions: EnsembleOptions = {
    debounceHalfLife: options.debounceHalfLife ?? 70,
    calibration: { memory: options.calibrationMemory ?? 50_000 },
    breakoutMargin: options.breakoutMargin ?? 0.1,
    alertOddsRatio: options.alertOddsRatio ?? 1,
    ...(discount ? { novelty: createRawDetectors.novelty() } : {}),
    ...(options.seasonalEcho === false
      ? {}
      : {
          echo: new SeasonalEcho({ toleranceMs: (options.echoToleranceMinutes ?? 90) * 60_000 }),
          echoDiscounted: members.map((name) => MAGNITUDE_MEMBERS.includes(name)),
        }),
    ...(options.rangeBreakout === false
      ? {}
      : { breakout: new RangeBreakoutDetector({ window: options.breakoutWindow ?? 8000 }) }),
    ...(options.rememberAlerts === true ? { alertMemory: new AlertMemory() } : {}),
  };
  return new EnsembleDetector(
    members.map((name) => createRawDetectors[name]()),
    ensembleOptions,
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
