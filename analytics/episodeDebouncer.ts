export interface EpisodeDebouncerOptions {
  /** Half-life, in rows, of the memory of the last alert's strength. Default 100. */
  readonly halfLife?: number;
}

/**
 * Alert shaping for streams of anomaly probabilities: an episode alerts once, on its rising edge.
 * Keeps an envelope of recent probabilities (the running maximum, decaying with `halfLife`) and
 * reports only how far a new probability rises above it, so a score that stays high through an
 * episode fades to 0 after its first row, and a later episode alerts at full strength once the
 * envelope has decayed. Causal and threshold-free: the same ranking for every alert threshold.
 *
 * @example
 * const debouncer = new EpisodeDebouncer({ halfLife: 100 });
 * [0, 0.9, 0.9, 0.9].map((p) => debouncer.shape(p)); // [0, 0.9, ≈0.006, ≈0.006]
 */
export class EpisodeDebouncer {
  private readonly decay: number;
  private envelope = 0;

  constructor(options: EpisodeDebouncerOptions = {}) {
    this.decay = 0.5 ** (1 / (options.halfLife ?? 100));
  }

  shape(probability: number): number {
    const reference = this.envelope * this.decay;
    if (probability <= reference) {
      this.envelope = reference;
      return 0;
    }
    this.envelope = probability;
    return probability - reference;
  }
}
