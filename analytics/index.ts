export {
  type AnalyzeSeriesFileOptions,
  type AnalyzeSeriesFileResult,
  analyzeSeriesFile,
} from "./analyzeSeriesFile.ts";
export { CalibratedDetector } from "./calibratedDetector.ts";
export { ANOMALY_PRIOR, anomalyProbability, TailCalibrator } from "./calibration.ts";
export {
  type CreateEnsembleOptions,
  createDetector,
  createEnsemble,
  parseDetectorName,
} from "./createDetector.ts";
export { SeriesCsvParser } from "./csv.ts";
export { CusumDetector } from "./detectors/cusum.ts";
export { EwmaControlChartDetector } from "./detectors/ewmaControlChart.ts";
export { RobustZScoreDetector } from "./detectors/robustZScore.ts";
export { SeasonalBaselineDetector } from "./detectors/seasonalBaseline.ts";
export { SubsequenceNoveltyDetector } from "./detectors/subsequenceNovelty.ts";
export { VolatilityShiftDetector } from "./detectors/volatilityShift.ts";
export { EnsembleDetector, type EnsembleOptions } from "./ensemble.ts";
export { EpisodeDebouncer } from "./episodeDebouncer.ts";
export { type SeriesErrorCode, SeriesInputError } from "./errors.ts";
export { RollingOrderStatistics } from "./rollingOrderStatistics.ts";
export {
  DEFAULT_FLAG_THRESHOLD,
  type FlaggedAnomaly,
  type ScoreSeriesOptions,
  type ScoreSeriesSummary,
  scoreSeries,
} from "./scoreSeries.ts";
export { parseTimestamp } from "./timestamp.ts";
export { DETECTOR_NAMES, type DetectorName, type StreamingDetector } from "./types.ts";
