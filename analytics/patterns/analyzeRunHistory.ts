import type { AnalysisContext, Detector } from "./candidate.ts";
import { detectBursts } from "./detectors/bursts.ts";
import { detectCostGrowth } from "./detectors/costGrowth.ts";
import { detectDeployRegressions } from "./detectors/deployRegressions.ts";
import { detectDurationTrends } from "./detectors/durationTrend.ts";
import { detectErrorClusters } from "./detectors/errorClusters.ts";
import { detectFlapping } from "./detectors/flapping.ts";
import { detectTimeConcentration } from "./detectors/timeConcentration.ts";
import { rankFindings } from "./rankFindings.ts";
import type {
  AnalyzeRunHistoryOptions,
  DeployMarker,
  Finding,
  HistoryEntry,
  RunRecord,
} from "./types.ts";

export const DEFAULT_FALSE_ALARM_RATE = 1e-4;
export const DEFAULT_HORIZON_WEEKS = 26;
/** The Lambda free tier: 1 M requests a month. */
export const DEFAULT_INVOCATIONS_PER_DAY = 33_333;
/** The Lambda free tier. */
export const DEFAULT_GB_SECONDS_PER_MONTH = 400_000;

const DETECTORS: readonly Detector[] = [
  detectDeployRegressions,
  detectFlapping,
  detectBursts,
  detectTimeConcentration,
  detectErrorClusters,
  detectDurationTrends,
  detectCostGrowth,
];

/**
 * Finds failure patterns in a run history — error-code clusters, bursts, recurring time-of-day
 * or weekday concentration, flapping, duration trends toward the timeout, regressions after a
 * deploy, growth toward the cost triggers — and returns them deduplicated and ranked by
 * severity. Every detector controls its false alarms (Bonferroni at `falseAlarmRate`), so a
 * history without patterns gives `[]`.
 *
 * @example
 * const entries = await readRunHistory("runs.jsonl");
 * const findings = analyzeRunHistory(entries, { functions: await readFunctionLimits("infra/functions.auto.tfvars.json") });
 */
export function analyzeRunHistory(
  entries: readonly HistoryEntry[],
  options: AnalyzeRunHistoryOptions = {},
): Finding[] {
  const byTime =
    <T>(time: (entry: T) => number) =>
    (a: T, b: T) =>
      time(a) - time(b);
  const runs = entries
    .filter((entry): entry is RunRecord => entry.kind === "run")
    .sort(byTime((run) => run.startedAt));
  if (runs.length === 0) return [];
  const deploys = entries
    .filter((entry): entry is DeployMarker => entry.kind === "deploy")
    .sort(byTime((deploy) => deploy.at));
  const context: AnalysisContext = {
    runs,
    deploys,
    falseAlarmRate: options.falseAlarmRate ?? DEFAULT_FALSE_ALARM_RATE,
    horizonWeeks: options.horizonWeeks ?? DEFAULT_HORIZON_WEEKS,
    functions: options.functions ?? {},
    durationBudgetsMs: options.durationBudgetsMs ?? {},
    invocationsPerDay: options.budget?.invocationsPerDay ?? DEFAULT_INVOCATIONS_PER_DAY,
    gbSecondsPerMonth: options.budget?.gbSecondsPerMonth ?? DEFAULT_GB_SECONDS_PER_MONTH,
  };
  return rankFindings(DETECTORS.flatMap((detect) => detect(context)));
}
