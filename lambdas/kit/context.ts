/**
 * What an operation receives besides its params: who asked, where it runs, how to log and measure,
 * and how much time is left. Front doors (Lambda handler, CLI, tests) build it; operations only use it.
 */
export interface OperationContext {
  readonly requestId: string;
  readonly functionName: string;
  readonly operation: string;
  readonly environment: string;
  readonly actor: string;
  readonly source: string;
  readonly dryRun: boolean;
  readonly log: OpsLogger;
  readonly metrics: OpsMetrics;
  /** Milliseconds left before the platform stops the invocation (Infinity outside Lambda). */
  remainingTimeMs(): number;
  /** Progress on long work: printed by the CLI, logged at info level in Lambda. */
  progress(message: string, attributes?: Record<string, unknown>): void;
}

export interface OpsLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export type MetricUnit = "Count" | "Milliseconds" | "Megabytes";

export interface OpsMetrics {
  /** Adds a metric with the invocation's dimensions (function, operation, environment). */
  add(name: string, unit: MetricUnit, value: number): void;
  /** Adds a metric with extra dimensions, emitted as its own EMF record. */
  addWithDimensions(
    name: string,
    unit: MetricUnit,
    value: number,
    dimensions: Record<string, string>,
  ): void;
}

/** Logger and metrics that record nothing (CLI default, tests). */
export const silentLogger: OpsLogger = { debug() {}, info() {}, warn() {}, error() {} };
export const noMetrics: OpsMetrics = { add() {}, addWithDimensions() {} };

/** A context for tests and scripts: silent, unlimited time. Override what you need. */
export function createTestContext(overrides: Partial<OperationContext> = {}): OperationContext {
  return {
    requestId: overrides.requestId ?? `test-${Math.random().toString(36).slice(2)}`,
    functionName: "test",
    operation: "test",
    environment: "test",
    actor: "test",
    source: "cli",
    dryRun: false,
    log: silentLogger,
    metrics: noMetrics,
    remainingTimeMs: () => Number.POSITIVE_INFINITY,
    progress() {},
    ...overrides,
  };
}
