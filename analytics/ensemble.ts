import type { AlertMemory } from "./alertMemory.ts";
import {
  ANOMALY_PRIOR,
  anomalyProbability,
  TailCalibrator,
  type TailCalibratorOptions,
} from "./calibration.ts";
import type { SeasonalEcho } from "./detectors/seasonalEcho.ts";
import { EpisodeDebouncer } from "./episodeDebouncer.ts";
import type { StreamingDetector } from "./types.ts";

/** −ln(10⁻³⁰⁰): one member's evidence is capped where its p-value would underflow. */
const MAX_EVIDENCE = 690.7755278982137;

export interface EnsembleOptions {
  /** Half-life, in rows, of the episode debouncer's memory of the last alert. Default 100. */
  readonly debounceHalfLife?: number;
  /**
   * A shape-novelty detector: the other members' evidence is weighted by the probability that
   * the current shape is new, 1 − p(novelty), so a pattern seen before (a nightly spike) is not
   * an anomaly however large it is. Without it every member counts in full.
   */
  readonly novelty?: StreamingDetector;
  /**
   * Seasonal familiarity: the evidence of the members flagged in `echoDiscounted` (the
   * magnitude members) is multiplied by 1 − f², f the echo's familiarity of the row, so a
   * deviation that came at this time of day on the previous days (a nightly job) hardly counts.
   */
  readonly echo?: SeasonalEcho;
  /** Per member, whether the seasonal echo discounts its evidence. Default: none. */
  readonly echoDiscounted?: readonly boolean[];
  /**
   * A range-breakout detector (surprise b = excess beyond the long-run range, as a fraction of
   * it): the probability reported is at least b / (b + `breakoutMargin`), so a new high or low
   * by more than the margin alerts at 0.5 or more however the other members judge it.
   */
  readonly breakout?: StreamingDetector;
  /** Breakout (fraction of the range) that alone gives probability 0.5. Default 0.1. */
  readonly breakoutMargin?: number;
  /**
   * Memory of past alerts' shapes: the probability is multiplied by 1 − s, s the similarity of
   * the row's shape to an alert of the last rows, so a kind of event already alerted on does not
   * alert again. Rows that alert (probability ≥ 0.5 on a rising edge) are remembered.
   */
  readonly alertMemory?: AlertMemory;
  /**
   * Odds ratio applied to the final score, s → k·s / (1 + (k − 1)·s): moves the score's 0.5 point
   * without changing its ranking. Default 1 (the debounced probability as it is).
   */
  readonly alertOddsRatio?: number;
  /** Options of every member's tail calibrator (their `memory` sets how long "rare" looks back). */
  readonly calibration?: TailCalibratorOptions;
}

/**
 * Below this combined evidence (before the discount) a row's probability is at most ~0.013 with six
 * members, whatever its echo, so the echo is not searched (a binary search and a scan of its
 * window; under 1 % of rows pass on a noisy daily series).
 */
const ECHO_MIN_EVIDENCE = 14;

/** Rows less likely than this to be anomalous are not compared with past alerts. */
const ALERT_MEMORY_MIN_PROBABILITY = 0.01;

/**
 * Combines raw detectors into one score: each member's surprise is calibrated into a p-value on
 * that member's own past, the p-values are combined with Fisher's method
 * (−2 Σ ln pᵢ ~ χ² with 2k degrees of freedom), so agreeing moderate evidence adds up, and the
 * combined p-value is mapped to a probability of anomaly. With a `novelty` member, the other
 * members' evidence counts only in proportion to 1 − p(novelty): magnitude says "large", novelty
 * says "never seen", and an anomaly has to be both (the Fisher p-value of the discounted sum is
 * conservative, as discounting only shrinks it). The optional stages, in order: a seasonal
 * `echo` discounts the magnitude members' evidence when the deviation came at this time on the
 * previous days; a range `breakout` floors the probability when the value leaves the long-run
 * range; an `alertMemory` discounts an event shaped like a recent alert. Finally the episode
 * debouncer keeps only the rising edge of each episode: the score is the probability that this row starts a new
 * anomaly, not that it belongs to one, so an episode alerts once (NAB and on-call people alike
 * count only the first alert; every repeat is noise).
 *
 * @example
 * const ensemble = new EnsembleDetector([new RobustZScoreDetector({ window: 304 }), new CusumDetector({ baselineSpan: 500 })]);
 * ensemble.update(timestamp, value); // in [0, 1]
 */
export class EnsembleDetector implements StreamingDetector {
  /**
   * Each member's `update`, called with `.call`: looking `update` up on six classes from one
   * call site is a megamorphic load through V8's global stub cache on every row.
   */
  private readonly memberUpdates: Array<StreamingDetector["update"]>;
  private readonly calibrators: TailCalibrator[];
  private readonly debouncer: EpisodeDebouncer;
  private readonly novelty: StreamingDetector | undefined;
  private readonly noveltyCalibrator: TailCalibrator;
  private readonly echo: SeasonalEcho | undefined;
  private readonly echoDiscounted: readonly boolean[];
  private readonly breakout: StreamingDetector | undefined;
  private readonly breakoutMargin: number;
  private readonly alertMemory: AlertMemory | undefined;
  private readonly alertOddsRatio: number;
  /** Combined evidence up to which the Fisher p-value is surely ≥ 1/e (see `quietEvidenceLimit`). */
  private readonly quietEvidence: number;

  constructor(
    private readonly members: readonly StreamingDetector[],
    options: EnsembleOptions = {},
  ) {
    this.memberUpdates = members.map((member) => member.update);
    this.calibrators = members.map(() => new TailCalibrator(options.calibration));
    this.noveltyCalibrator = new TailCalibrator(options.calibration);
    this.debouncer = new EpisodeDebouncer({ halfLife: options.debounceHalfLife ?? 100 });
    this.novelty = options.novelty;
    this.echo = options.echo;
    this.echoDiscounted = members.map((_, index) => options.echoDiscounted?.[index] === true);
    this.breakout = options.breakout;
    this.breakoutMargin = options.breakoutMargin ?? 0.1;
    this.alertMemory = options.alertMemory;
    this.alertOddsRatio = options.alertOddsRatio ?? 1;
    this.quietEvidence = quietEvidenceLimit(members.length + (this.novelty === undefined ? 0 : 1));
  }

  update(timestamp: number, value: number): number {
    let evidence = this.membersEvidence(timestamp, value);
    let count = this.members.length;
    if (this.novelty !== undefined) {
      const surprise = this.novelty.update(timestamp, value);
      const noveltyRatio = this.noveltyCalibrator.pValueParts(surprise);
      const noveltyPValue = noveltyRatio * Math.exp(-this.noveltyCalibrator.tailExponent);
      const noveltyEvidence = Math.min(
        MAX_EVIDENCE,
        this.noveltyCalibrator.tailExponent - Math.log(noveltyRatio),
      );
      evidence = noveltyEvidence + (1 - noveltyPValue) * evidence;
      count += 1;
    }
    // Most rows carry little evidence: their p-value is ≥ 1/e, which anomalyProbability maps to
    // the prior whatever its exact value, so the p-value (an exponential) is not computed.
    let probability =
      evidence <= this.quietEvidence
        ? ANOMALY_PRIOR
        : anomalyProbability(fisherCombinedPValue(evidence, count));
    if (this.breakout !== undefined) {
      const breakout = this.breakout.update(timestamp, value);
      if (breakout > 0) {
        probability = Math.max(probability, breakout / (breakout + this.breakoutMargin));
      }
    }
    return this.alertScore(probability, value);
  }

  /** −Σ ln pᵢ over the members, the magnitude members discounted by the seasonal echo. */
  private membersEvidence(timestamp: number, value: number): number {
    // pᵢ = ratioᵢ·e^(−xᵢ): the ratios are multiplied (each is at least 1/5000, so six cannot
    // underflow) and cost one logarithm for all members; the members the echo discounts are
    // also summed apart, for the rare row that needs it.
    let evidence = 0;
    let ratio = 1;
    let discounted = 0;
    let discountedRatio = 1;
    for (let index = 0; index < this.members.length; index += 1) {
      const surprise = (this.memberUpdates[index] as StreamingDetector["update"]).call(
        this.members[index],
        timestamp,
        value,
      );
      const calibrator = this.calibrators[index] as TailCalibrator;
      const memberRatio = calibrator.pValueParts(surprise);
      const exponent = calibrator.tailExponent;
      const memberEvidence =
        exponent < MAX_EVIDENCE - 20
          ? exponent
          : Math.min(MAX_EVIDENCE, exponent - Math.log(memberRatio));
      const factor = exponent < MAX_EVIDENCE - 20 ? memberRatio : 1;
      evidence += memberEvidence;
      ratio *= factor;
      if (this.echoDiscounted[index] === true) {
        discounted += memberEvidence;
        discountedRatio *= factor;
      }
    }
    evidence -= Math.log(ratio);
    if (this.echo !== undefined && evidence > ECHO_MIN_EVIDENCE) {
      discounted -= Math.log(discountedRatio);
      if (discounted > 0) {
        const familiarity = this.echo.familiarity(timestamp, value);
        evidence -= discounted * familiarity * familiarity;
      }
    }
    this.echo?.observe(timestamp, value);
    return evidence;
  }

  /** The reported score: discounted by the alert memory, debounced, then on the odds scale. */
  private alertScore(probability: number, value: number): number {
    const memory = this.alertMemory;
    let score: number;
    if (memory === undefined) {
      score = this.debouncer.shape(probability);
    } else {
      const similarity = probability > ALERT_MEMORY_MIN_PROBABILITY ? memory.similarity(value) : 0;
      score = this.debouncer.shape(probability * (1 - similarity));
      if (probability >= 0.5 && score > 0) memory.remember();
      memory.observe(value);
    }
    const odds = this.alertOddsRatio;
    return odds === 1 || score === 0 ? score : (odds * score) / (1 + (odds - 1) * score);
  }
}

/**
 * An evidence up to which the computed Fisher p-value of `count` members is ≥ 1/e: the point
 * where it crosses 1/e, lowered by a relative 10⁻⁶. The p-value falls as the evidence grows, and
 * across that margin it moves by ~10⁻⁶ of itself, far above its rounding error (~10⁻¹⁵), so
 * every evidence up to the limit has a computed p-value ≥ 1/e. Returns −1 (no row qualifies)
 * should the margin check at the limit fail.
 *
 * @example
 * quietEvidenceLimit(6); // ≈ 6.508: fisherCombinedPValue(6.5, 6) ≥ 1/e
 */
export function quietEvidenceLimit(count: number): number {
  const threshold = 1 / Math.E;
  let low = 0;
  let high = 1;
  while (fisherCombinedPValue(high, count) >= threshold) high *= 2;
  for (let step = 0; step < 100; step += 1) {
    const middle = (low + high) / 2;
    if (fisherCombinedPValue(middle, count) >= threshold) low = middle;
    else high = middle;
  }
  const limit = low * (1 - 1e-6);
  if (!(fisherCombinedPValue(limit, count) >= threshold * (1 + 1e-9))) return -1;
  return limit;
}

/**
 * P(χ²₂ₖ ≥ 2·evidence) where evidence = −Σ ln pᵢ: e^(−evidence) Σ_{j<k} evidence^j / j!.
 *
 * @example
 * fisherCombinedPValue(-Math.log(0.01), 1); // 0.01
 */
export function fisherCombinedPValue(evidence: number, count: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 1; j < count; j += 1) {
    term *= evidence / j;
    sum += term;
  }
  return Math.min(1, Math.exp(-evidence) * sum);
}
