import type pg from "pg";
import type { OperationContext } from "../kit/context.ts";
import { OpsError } from "../kit/errors.ts";
import { closeConnection, errorMessage, isConnectionLost, openConnection } from "./connection.ts";
import type { RunIdentity } from "./history.ts";
import { acquireMigrationLock, releaseMigrationLock } from "./lock.ts";
import type { EngineOptions, EngineSettings, OperationResult } from "./options.ts";
import { resolveSettings } from "./options.ts";
import { findRecordedRun, recordRun, replayRun, toRecordedError } from "./outcomes.ts";
import { type EngineTables, engineTables, ensureEngineTables } from "./tables.ts";

/** What a locked operation works with: one connection holding the migration lock. */
export interface MigrationSession {
  readonly client: pg.Client;
  readonly settings: EngineSettings;
  readonly tables: EngineTables;
  readonly ctx: OperationContext;
  readonly who: RunIdentity;
  /** How long the lock took to get. */
  readonly lockWaitMs: number;
}

/** Read-only operations: a connection, no lock, no tables created. */
export interface ReadSession {
  readonly client: pg.Client;
  readonly settings: EngineSettings;
  readonly tables: EngineTables;
}

/**
 * Runs a changing operation (migrate, rollback, repair): connects, replays a request already
 * recorded under `ctx.requestId`, takes the migration lock, creates the engine's tables on first
 * use, runs `work`, records its outcome, and always releases the lock and the connection.
 *
 * @example
 * return withMigrationSession(options, ctx, "migrate", (session) => migrate(session, manifest));
 */
export async function withMigrationSession(
  options: EngineOptions,
  ctx: OperationContext,
  operation: string,
  work: (session: MigrationSession) => Promise<OperationResult>,
): Promise<OperationResult> {
  const settings = resolveSettings(options);
  const tables = engineTables(settings.schema);
  const client = await openConnection(settings);
  const run = { requestId: ctx.requestId, operation };
  let locked = false;
  try {
    const earlier = await findRecordedRun(client, tables, ctx.requestId);
    if (earlier) return replayRun(earlier, operation, ctx.requestId);
    const lockWaitMs = await acquireMigrationLock(client, settings, ctx);
    locked = true;
    await ensureEngineTables(client, tables);
    const recorded = await findRecordedRun(client, tables, ctx.requestId);
    if (recorded) return replayRun(recorded, operation, ctx.requestId);
    const who = { appliedBy: ctx.actor, requestId: ctx.requestId };
    const session = { client, settings, tables, ctx, who, lockWaitMs };
    try {
      const result = await work(session);
      await recordRun(client, tables, run, { ok: true, result });
      return result;
    } catch (error) {
      const failure = asOpsError(error);
      if (failure instanceof OpsError) {
        const outcome = { ok: false as const, error: toRecordedError(failure) };
        await recordRun(client, tables, run, outcome).catch(() => {});
      }
      throw failure;
    }
  } catch (error) {
    throw asOpsError(error);
  } finally {
    if (locked) await releaseMigrationLock(client, settings.schema);
    await closeConnection(client);
  }
}

/**
 * Runs a read-only operation (status, plan, validate) on its own connection. `load` (reading the
 * migration files, say) runs while the connection is set up — the server forks and authenticates
 * a backend meanwhile — and its result is handed to `work`. When `load` fails, its error is the
 * one thrown (bad input before an unreachable database) and the connection is closed.
 *
 * @example
 * return withReadSession(options, (session, index) => describeStatus(session, index), loadIndex);
 */
export async function withReadSession<Loaded = undefined>(
  options: EngineOptions,
  work: (session: ReadSession, loaded: Loaded) => Promise<OperationResult>,
  load?: () => Promise<Loaded>,
): Promise<OperationResult> {
  const settings = resolveSettings(options);
  const [connected, loaded] = await Promise.allSettled([
    openConnection(settings),
    load ? load() : (undefined as Loaded),
  ]);
  if (loaded.status === "rejected") {
    if (connected.status === "fulfilled") await closeConnection(connected.value);
    throw loaded.reason;
  }
  if (connected.status === "rejected") throw connected.reason;
  const client = connected.value;
  try {
    return await work({ client, settings, tables: engineTables(settings.schema) }, loaded.value);
  } catch (error) {
    throw asOpsError(error);
  } finally {
    await closeConnection(client);
  }
}

/** OpsErrors pass through; a lost connection becomes CONNECTION_LOST; anything else is a bug. */
function asOpsError(error: unknown): unknown {
  if (error instanceof OpsError) return error;
  if (isConnectionLost(error)) return connectionLost(error, {});
  return error;
}

/**
 * `CONNECTION_LOST` (retryable): the server rolled back the open transaction and released the lock.
 *
 * @example
 * throw connectionLost(error, { applied: [] }, "while running 2_users.sql:3", "");
 */
export function connectionLost(
  error: unknown,
  data: Record<string, unknown>,
  where = "",
  consequence = "",
): OpsError {
  const during = where ? ` ${where}` : "";
  return new OpsError(
    "CONNECTION_LOST",
    `The database connection was lost (${errorMessage(error)})${during}. The server rolled back the transaction that was open; nothing of it remains.${consequence ? ` ${consequence}` : ""}`,
    {
      retryable: true,
      data,
      details: { sqlState: (error as { code?: string }).code ?? null },
      hint: "Run the same command again: it continues from what is recorded as applied.",
      cause: error,
    },
  );
}
