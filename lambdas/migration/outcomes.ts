import type pg from "pg";
import { OpsError } from "../kit/errors.ts";
import type { OperationResult } from "./options.ts";
import type { EngineTables } from "./tables.ts";

/** A finished run as recorded for `requestId` idempotency. */
export type RunOutcome =
  | { readonly ok: true; readonly result: OperationResult }
  | { readonly ok: false; readonly error: RecordedError };

export interface RecordedError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;
}

const UNDEFINED_TABLE = "42P01";

interface RecordedRun {
  readonly operation: string;
  readonly outcome: RunOutcome;
  readonly finishedAt: string;
}

/**
 * The recorded run of `requestId`, or null (also when the engine's tables do not exist yet).
 *
 * @example
 * const recorded = await findRecordedRun(client, tables, ctx.requestId);
 */
export async function findRecordedRun(
  client: pg.Client,
  tables: EngineTables,
  requestId: string,
): Promise<RecordedRun | null> {
  const result = await client
    .query<{ operation: string; outcome: RunOutcome; finished_at: Date }>(
      `SELECT operation, outcome, finished_at FROM ${tables.runs} WHERE request_id = $1`,
      [requestId],
    )
    .catch((error: { code?: string }) => {
      if (error.code === UNDEFINED_TABLE) return null;
      throw error;
    });
  const row = result?.rows[0];
  return row
    ? { operation: row.operation, outcome: row.outcome, finishedAt: row.finished_at.toISOString() }
    : null;
}

/**
 * Records how a run ended. Only successes and non-retryable failures are recorded: a retry of a
 * retryable failure (lock busy, time budget, lost connection) with the same id must run again.
 *
 * @example
 * await recordRun(client, tables, { requestId, operation: "migrate" }, { ok: true, result });
 */
export async function recordRun(
  client: pg.Client,
  tables: EngineTables,
  run: { requestId: string; operation: string },
  outcome: RunOutcome,
): Promise<void> {
  if (!outcome.ok && outcome.error.retryable) return;
  await client.query(
    `INSERT INTO ${tables.runs} (request_id, operation, ok, outcome) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_id) DO NOTHING`,
    [run.requestId, run.operation, outcome.ok, JSON.stringify(outcome)],
  );
}

/**
 * Returns (or throws) the recorded outcome of a repeated request, with a replay warning.
 *
 * @example
 * if (recorded) return replayRun(recorded, "migrate", ctx.requestId);
 */
export function replayRun(
  recorded: RecordedRun,
  operation: string,
  requestId: string,
): OperationResult {
  if (recorded.operation !== operation) {
    throw new OpsError(
      "INVALID_REQUEST",
      `Invalid request: 'requestId' ${requestId} was already used for '${recorded.operation}', not '${operation}'`,
      { details: { field: "requestId" }, hint: "Use a new requestId for a new operation." },
    );
  }
  const notice = `Replay: request ${requestId} already ran at ${recorded.finishedAt}; this is its recorded outcome and nothing was run again.`;
  if (recorded.outcome.ok) {
    const { summary, data, warnings } = recorded.outcome.result;
    return { summary, data, warnings: [...warnings, notice] };
  }
  const error = recorded.outcome.error;
  throw new OpsError(error.code, error.message, {
    retryable: error.retryable,
    details: { ...error.details, replayOf: requestId, replayNotice: notice },
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.data === undefined ? {} : { data: error.data }),
  });
}

/**
 * The recordable form of an `OpsError`.
 *
 * @example
 * await recordRun(client, tables, run, { ok: false, error: toRecordedError(error) });
 */
export function toRecordedError(error: OpsError): RecordedError {
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    details: error.details,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.data === undefined ? {} : { data: error.data }),
  };
}
