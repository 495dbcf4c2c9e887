/** One ops Lambda invocation, normalised from a result envelope or a local invocation record. */
export interface RunRecord {
  readonly kind: "run";
  /** The bare function key of `infra/functions.auto.tfvars.json`, e.g. `migration`. */
  readonly function: string;
  /** `unknown` when the record does not say (local invocation records). */
  readonly operation: string;
  /** `unknown` when the record does not say. */
  readonly environment: string;
  readonly ok: boolean;
  /** `error.code` of a failed run (`UNKNOWN` when a failure carries none); null when ok. */
  readonly errorCode: string | null;
  readonly durationMs: number;
  /** Billed duration when the record has one (local invocation records), else `durationMs`. */
  readonly billedDurationMs: number;
  /** Configured memory when the record has it, else undefined (taken from the function limits). */
  readonly memorySizeMb: number | undefined;
  /** Epoch milliseconds. */
  readonly startedAt: number;
}

/** A deploy marker line: `{"kind":"deploy","function","environment","at","version"}`. */
export interface DeployMarker {
  readonly kind: "deploy";
  readonly function: string;
  readonly environment: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly version: string;
}

/** One line of a run history. */
export type HistoryEntry = RunRecord | DeployMarker;

export const FINDING_KINDS = [
  "deploy-regression",
  "flapping",
  "burst",
  "time-concentration",
  "error-cluster",
  "duration-trend",
  "cost-growth",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Where a finding applies. Part of its fingerprint, so it holds no measured numbers. */
export interface FindingScope {
  readonly environment: string;
  readonly function?: string;
  readonly operation?: string;
  readonly errorCode?: string;
  /** The deployed version a regression follows. */
  readonly version?: string;
  /** Which calendar cycle a time concentration recurs on. */
  readonly period?: "hour-of-day" | "day-of-week";
}

export type EvidenceValue = string | number | boolean | null | readonly (string | number)[];

/** A ranked, deduplicated failure pattern. */
export interface Finding {
  /** Stable id: a hash of kind and scope, not of the numbers, so it survives re-runs. */
  readonly fingerprint: string;
  readonly kind: FindingKind;
  readonly scope: FindingScope;
  /** In [0, 1]: anomaly strength × environment weight × recurrence. */
  readonly severity: number;
  /** One line a person reads first. */
  readonly summary: string;
  /** The numbers behind the finding. */
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
  /** What to do about it, concretely. */
  readonly nextAction: string;
  /** When the pattern shows in the history (ISO-8601). */
  readonly window: { readonly from: string; readonly to: string };
  /** Overlapping findings this one explains (merged in by deduplication). */
  readonly related: readonly RelatedFinding[];
}

export interface RelatedFinding {
  readonly kind: FindingKind;
  readonly fingerprint: string;
  readonly summary: string;
}

/** Timeout and memory of one function, from `infra/functions.auto.tfvars.json`. */
export interface FunctionLimits {
  readonly timeoutSeconds?: number;
  readonly memorySizeMb?: number;
}

/** Cost triggers; each applies per environment. */
export interface CostBudget {
  /** Invocations per day. Default 33 333 (the Lambda free tier: 1 M requests a month). */
  readonly invocationsPerDay?: number;
  /** GB-seconds per month. Default 400 000 (the Lambda free tier). */
  readonly gbSecondsPerMonth?: number;
}

export interface AnalyzeRunHistoryOptions {
  /** Per function key (`migration`): its timeout and memory. */
  readonly functions?: Readonly<Record<string, FunctionLimits>>;
  /** Per function key: a p95 duration budget (ms) tighter than the timeout. */
  readonly durationBudgetsMs?: Readonly<Record<string, number>>;
  readonly budget?: CostBudget;
  /**
   * Chance of any false finding per detector on a history without patterns (Bonferroni over
   * every test the detector runs). Default 1e-4.
   */
  readonly falseAlarmRate?: number;
  /** Forecasts further out than this are not findings. Default 26 weeks. */
  readonly horizonWeeks?: number;
}
