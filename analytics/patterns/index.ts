export {
  analyzeRunHistory,
  DEFAULT_FALSE_ALARM_RATE,
  DEFAULT_GB_SECONDS_PER_MONTH,
  DEFAULT_HORIZON_WEEKS,
  DEFAULT_INVOCATIONS_PER_DAY,
} from "./analyzeRunHistory.ts";
export { describeRunHistory, type RunHistoryExtent } from "./describeRunHistory.ts";
export { RunHistoryError, type RunHistoryErrorCode } from "./errors.ts";
export { findingFingerprint } from "./fingerprint.ts";
export { resolveFunctionName } from "./functionNames.ts";
export { parseHistoryLine } from "./parseHistoryLine.ts";
export { readFunctionLimits } from "./readFunctionLimits.ts";
export { readRunHistory } from "./readRunHistory.ts";
export { ENVIRONMENT_WEIGHTS, severityOf } from "./severity.ts";
export {
  type AnalyzeRunHistoryOptions,
  type CostBudget,
  type DeployMarker,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type FindingScope,
  type FunctionLimits,
  type HistoryEntry,
  type RunRecord,
} from "./types.ts";
