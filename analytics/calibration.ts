export interface TailCalibratorOptions {
  /** Memory of the score history in rows (older scores fade out exponentially). Default 5000. */
  readonly memory?: number;
  /** Quantile above which the tail is modelled as a power law instead of counted. Default 0.97. */
  readonly tailQuantile?: number;
  /** Scores needed before any p-value below 1 is reported. Default 32. */
  readonly warmup?: number;
}

const BINS_PER_UNIT = 32;
const BIN_COUNT = 320;
const REFRESH_ROWS = 32;
/** Lower edge of each bin on the surprise scale: bin b holds expm1(b/32) ≤ s < expm1((b+1)/32). */
const BIN_EDGES = Float64Array.from({ length: BIN_COUNT + 1 }, (_, bin) =>
  Math.expm1(bin / BINS_PER_UNIT),
);
/** Surprises below GRID_LIMIT find their bin in a table on a grid finer than any bin. */
const GRID_PER_UNIT = 64;
const GRID_LIMIT = 8;
const GRID_BINS = Uint16Array.from({ length: GRID_LIMIT * GRID_PER_UNIT }, (_, cell) =>
  Math.floor(Math.log1p(cell / GRID_PER_UNIT) * BINS_PER_UNIT),
);

/** The histogram bin of a surprise, floor(32 · log(1 + s)), without a logarithm below 8. */
function binOf(surprise: number): number {
  if (!(surprise > 0)) return 0;
  if (surprise < GRID_LIMIT) {
    // Bins are wider than grid cells, so the cell's first bin is at most one below the answer.
    const bin = GRID_BINS[Math.floor(surprise * GRID_PER_UNIT)] as number;
    return surprise >= (BIN_EDGES[bin + 1] as number) ? bin + 1 : bin;
  }
  return Math.min(BIN_COUNT - 1, Math.floor(Math.log1p(surprise) * BINS_PER_UNIT));
}

/**
 * Calibrates a detector's raw surprise on that detector's own past: returns the causal tail
 * probability P(S ≥ s) of a new score under the history seen so far (the score is added to the
 * history after it is evaluated). The bulk of the distribution is a decayed histogram on a
 * log(1 + s) scale; above `tailQuantile` the tail is a fitted power law (an exponential in
 * log(1 + s), i.e. a generalised-Pareto tail), so scores beyond anything seen still get graded
 * p-values instead of a floor of 1/n.
 *
 * @example
 * const calibrator = new TailCalibrator();
 * for (const surprise of history) calibrator.pValue(surprise);
 * calibrator.pValue(25); // tiny when the history rarely exceeds 3
 */
export class TailCalibrator {
  private readonly counts = new Float64Array(BIN_COUNT);
  /** tailMass[b] = decayed count of scores in bins ≥ b, as of the last refresh. */
  private readonly tailMass = new Float64Array(BIN_COUNT + 1);
  private readonly decayPerRefresh: number;
  private readonly tailQuantile: number;
  private readonly warmup: number;
  private total = 0;
  private snapshotTotal = 0;
  /** Scores in this bin or above are in the power-law tail (log(1 + s) ≥ threshold). */
  private thresholdBin = BIN_COUNT;
  private threshold = Number.POSITIVE_INFINITY;
  private thresholdMass = 0;
  private tailScale = 1;
  private seen = 0;
  /** Highest bin ever filled: the bins above it are empty, so refreshes skip them. */
  private highestBin = 0;
  /** The exponent part of the last `pValueParts` result. */
  tailExponent = 0;

  constructor(options: TailCalibratorOptions = {}) {
    this.decayPerRefresh = (1 - 1 / (options.memory ?? 5000)) ** REFRESH_ROWS;
    this.tailQuantile = options.tailQuantile ?? 0.97;
    this.warmup = options.warmup ?? 32;
  }

  /** Tail probability of `surprise` under the history, then adds it to the history. */
  pValue(surprise: number): number {
    const ratio = this.pValueParts(surprise);
    return this.tailExponent === 0 ? ratio : ratio * Math.exp(-this.tailExponent);
  }

  /**
   * `pValue(surprise)` in two parts, so that an ensemble can combine many p-values with one
   * logarithm: returns a ratio in (0, 1] and leaves in `tailExponent` an exponent x ≥ 0, with
   * p = ratio · e^(−x) (x is 0 below the power-law tail). Adds the surprise to the history.
   */
  pValueParts(surprise: number): number {
    const bin = binOf(surprise);
    let ratio = 1;
    this.tailExponent = 0;
    if (this.seen >= this.warmup) {
      const total = this.snapshotTotal + 1;
      if (bin >= this.thresholdBin) {
        ratio = this.thresholdMass / total;
        this.tailExponent = (Math.log1p(surprise) - this.threshold) / this.tailScale;
      } else {
        ratio = Math.min(1, ((this.tailMass[bin] as number) + 1) / total);
      }
    }
    this.learn(bin);
    return ratio;
  }

  private learn(bin: number): void {
    this.counts[bin] = (this.counts[bin] as number) + 1;
    if (bin > this.highestBin) this.highestBin = bin;
    this.total += 1;
    this.seen += 1;
    if (this.seen % REFRESH_ROWS === 0) this.refresh();
  }

  private refresh(): void {
    const counts = this.counts;
    let running = 0;
    for (let bin = this.highestBin; bin >= 0; bin -= 1) {
      const decayed = (counts[bin] as number) * this.decayPerRefresh;
      counts[bin] = decayed;
      running += decayed;
      this.tailMass[bin] = running;
    }
    this.total = running;
    this.snapshotTotal = running;
    // Threshold: the lower edge of the bin where the upper tail first holds (1 − q) of the mass.
    const target = (1 - this.tailQuantile) * running;
    const thresholdBin = highestBinReaching(
      this.tailMass,
      target,
      this.highestBin,
      this.thresholdBin,
    );
    this.thresholdBin = thresholdBin;
    this.threshold = thresholdBin / BINS_PER_UNIT;
    this.thresholdMass = this.tailMass[thresholdBin] as number;
    let excessSum = 0;
    for (let bin = thresholdBin; bin <= this.highestBin; bin += 1) {
      excessSum += (counts[bin] as number) * ((bin + 0.5) / BINS_PER_UNIT - this.threshold);
    }
    // Mean excess of an exponential; floored at one bin so a degenerate history stays finite.
    this.tailScale = Math.max(1 / BINS_PER_UNIT, excessSum / Math.max(this.thresholdMass, 1e-12));
  }
}

/**
 * The highest bin in [0, `highestBin`] whose tail mass is ≥ `target`, or 0 when none is. Tail
 * masses only grow towards lower bins, so the answer is found by walking from `hint` (the last
 * answer, which moves little between refreshes) instead of down from `highestBin`.
 *
 * @example
 * highestBinReaching(Float64Array.of(10, 6, 3, 1), 3, 3, 0); // 2
 */
export function highestBinReaching(
  tailMass: Float64Array,
  target: number,
  highestBin: number,
  hint: number,
): number {
  let bin = Math.max(0, Math.min(hint, highestBin));
  if ((tailMass[bin] as number) >= target) {
    while (bin < highestBin && (tailMass[bin + 1] as number) >= target) bin += 1;
  } else {
    while (bin > 0 && (tailMass[bin] as number) < target) bin -= 1;
  }
  return bin;
}

/** Prior probability that a row is anomalous, fixed before any benchmark was run (1 in 1000). */
export const ANOMALY_PRIOR = 1e-3;

/**
 * Turns a p-value into a probability that the row is anomalous. Uses the Sellke–Bayarri–Berger
 * bound on the Bayes factor of a p-value, B = −e·p·ln p (for p < 1/e), with prior `prior`:
 * P = 1 / (1 + B·(1 − prior)/prior). So 0.5 means "as likely anomalous as not", which is why the
 * fixed benchmark threshold is 0.5; with the default prior that is p ≈ 3.6·10⁻⁵.
 *
 * @example
 * anomalyProbability(1e-7); // ≈ 0.998
 * anomalyProbability(0.01); // ≈ 0.008
 */
export function anomalyProbability(pValue: number, prior: number = ANOMALY_PRIOR): number {
  if (!(pValue < 1 / Math.E)) return prior;
  if (pValue <= 0) return 1;
  const bayesFactor = -Math.E * pValue * Math.log(pValue);
  return 1 / (1 + (bayesFactor * (1 - prior)) / prior);
}
