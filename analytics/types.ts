/**
 * A causal, streaming detector: `update` scores one row from that row and the rows before it
 * only, then learns from it. Raw detectors return a surprise ≥ 0 in standard-deviation-like
 * units; calibrated detectors (what `scoreSeries` runs) return a probability in [0, 1].
 */
export interface StreamingDetector {
  update(timestamp: number, value: number): number;
}

/** Names accepted by `--detector`. */
export const DETECTOR_NAMES = [
  "ensemble",
  "robust-z",
  "ewma",
  "seasonal",
  "cusum",
  "volatility",
  "novelty",
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];
