import type {
  DeployMarker,
  EvidenceValue,
  FindingKind,
  FindingScope,
  FunctionLimits,
  RunRecord,
} from "./types.ts";

/** A detector's raw finding, before severity, fingerprint and deduplication. */
export interface Candidate {
  readonly kind: FindingKind;
  readonly scope: FindingScope;
  readonly summary: string;
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
  readonly nextAction: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Anomaly strength in [0, 1] (effect size and significance). */
  readonly strength: number;
  /** Distinct UTC days the pattern showed on. */
  readonly recurrenceDays: number;
  /** Failed runs the pattern accounts for (error kinds only). */
  readonly failures?: number;
  /** For deploy regressions: which signals regressed. */
  readonly regressed?: { readonly errors: boolean; readonly durationOperations: readonly string[] };
}

/** Everything a detector reads: the runs sorted by start, deploys, and resolved options. */
export interface AnalysisContext {
  readonly runs: readonly RunRecord[];
  readonly deploys: readonly DeployMarker[];
  readonly falseAlarmRate: number;
  readonly horizonWeeks: number;
  readonly functions: Readonly<Record<string, FunctionLimits>>;
  readonly durationBudgetsMs: Readonly<Record<string, number>>;
  readonly invocationsPerDay: number;
  readonly gbSecondsPerMonth: number;
}

/** A detector: context in, candidates out. */
export type Detector = (context: AnalysisContext) => Candidate[];

/** The runs of one function / operation / environment, in start order. */
export interface ScopeRuns {
  readonly function: string;
  readonly operation: string;
  readonly environment: string;
  readonly runs: readonly RunRecord[];
}

/**
 * Splits runs by function / operation / environment, keeping start order.
 *
 * @example
 * for (const scope of runsByScope(context.runs)) console.log(scope.function, scope.runs.length);
 */
export function runsByScope(runs: readonly RunRecord[]): ScopeRuns[] {
  const scopes = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.function}\u0000${run.operation}\u0000${run.environment}`;
    const list = scopes.get(key);
    if (list) list.push(run);
    else scopes.set(key, [run]);
  }
  return [...scopes.values()].map((list) => {
    const first = list[0] as RunRecord;
    return {
      function: first.function,
      operation: first.operation,
      environment: first.environment,
      runs: list,
    };
  });
}
