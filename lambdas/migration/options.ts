import type pg from "pg";

/** Connection and settings shared by every migration operation. */
export interface EngineOptions {
  /** Where to connect. Startup parameters (timeouts, application_name) are added by the engine. */
  readonly connection: pg.ClientConfig;
  /** Schema of the engine's own tables (default "public"). */
  readonly schema?: string;
  /** How long to poll for the migration lock (default 60 000 ms; capped by the time left). */
  readonly lockWaitMs?: number;
  /** No new migration starts when less time than this is left (default 30 000 ms). */
  readonly safetyMarginMs?: number;
  /** `lock_timeout` of the session (default 5 000 ms). */
  readonly lockTimeoutMs?: number;
  /** `statement_timeout` of the session (default 900 000 ms; 0 disables it). */
  readonly statementTimeoutMs?: number;
  /** `idle_in_transaction_session_timeout` of the session (default 60 000 ms). */
  readonly idleInTransactionTimeoutMs?: number;
  /** How many times a migration that hit `lock_timeout` is retried (default 3). */
  readonly lockTimeoutRetries?: number;
  /** First wait before a `lock_timeout` retry; doubles each time, with jitter (default 500 ms). */
  readonly lockRetryBaseDelayMs?: number;
  /** Test seam: how the engine waits between lock polls and retries. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Options of `applyPendingMigrations` and `planMigrations`. */
export interface ApplyOptions extends EngineOptions {
  /** Apply up to and including this version (default: all pending). */
  readonly to?: string;
  /** Apply a pending version older than the newest applied one instead of failing OUT_OF_ORDER. */
  readonly allowOutOfOrder?: boolean;
  /** Undo the migrations this run applied when one fails (default true). */
  readonly rollbackOnFailure?: boolean;
}

/** Options of `rollbackMigrations`: `to` wins over `steps`. */
export interface RollbackOptions extends EngineOptions {
  /** Roll back every applied migration newer than this version (it stays applied). */
  readonly to?: string;
  /** How many applied migrations to roll back, newest first (default 1). */
  readonly steps?: number;
}

/** Options of `repairMigrations`. */
export interface RepairOptions extends EngineOptions {
  /** Also record the current checksum of applied migrations whose file was edited. */
  readonly acceptEditedChecksums?: boolean;
}

/** What every operation returns; failures are thrown as `OpsError`. */
export interface OperationResult {
  readonly summary: string;
  readonly data: Record<string, unknown>;
  readonly warnings: string[];
}

/** EngineOptions with every default filled in. */
export interface EngineSettings {
  readonly connection: pg.ClientConfig;
  readonly schema: string;
  readonly lockWaitMs: number;
  readonly safetyMarginMs: number;
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  readonly lockTimeoutRetries: number;
  readonly lockRetryBaseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULTS = {
  schema: "public",
  lockWaitMs: 60_000,
  safetyMarginMs: 30_000,
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 900_000,
  idleInTransactionTimeoutMs: 60_000,
  lockTimeoutRetries: 3,
  lockRetryBaseDelayMs: 500,
} as const;

/**
 * Fills in the defaults of the engine options.
 *
 * @example
 * const settings = resolveSettings({ connection: { connectionString: url } });
 * settings.lockWaitMs; // 60000
 */
export function resolveSettings(options: EngineOptions): EngineSettings {
  return {
    connection: options.connection,
    schema: options.schema ?? DEFAULTS.schema,
    lockWaitMs: options.lockWaitMs ?? DEFAULTS.lockWaitMs,
    safetyMarginMs: options.safetyMarginMs ?? DEFAULTS.safetyMarginMs,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULTS.lockTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    idleInTransactionTimeoutMs:
      options.idleInTransactionTimeoutMs ?? DEFAULTS.idleInTransactionTimeoutMs,
    lockTimeoutRetries: options.lockTimeoutRetries ?? DEFAULTS.lockTimeoutRetries,
    lockRetryBaseDelayMs: options.lockRetryBaseDelayMs ?? DEFAULTS.lockRetryBaseDelayMs,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}
