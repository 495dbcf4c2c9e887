import { createHash } from "node:crypto";
import type pg from "pg";
import type { OperationContext } from "../kit/context.ts";
import { OpsError } from "../kit/errors.ts";
import type { EngineSettings } from "./options.ts";

/** The two int4 keys of the session advisory lock that serialises migrators of one schema. */
export interface LockKey {
  readonly classId: number;
  readonly objectId: number;
}

/** "OPS1": the lock namespace, so the key cannot collide with an application's own locks. */
const LOCK_CLASS_ID = 0x4f505331;

/**
 * The advisory lock key of the migrations of `schema`.
 *
 * @example
 * migrationLockKey("public"); // { classId: 1330664241, objectId: … }
 */
export function migrationLockKey(schema: string): LockKey {
  const digest = createHash("sha256").update(`ops-migrate:${schema}`).digest();
  return { classId: LOCK_CLASS_ID, objectId: digest.readUInt32BE(0) & 0x7fffffff };
}

/** The session that holds the migration lock, from pg_locks + pg_stat_activity. */
export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly user: string | null;
  readonly since: string | null;
  readonly state: string | null;
}

/**
 * Takes the SESSION-level advisory lock, polling `pg_try_advisory_lock` with jittered backoff until
 * the deadline: `lockWaitMs`, capped by the time left minus the safety margin. It never blocks in
 * `pg_advisory_lock`: a blocked waiter sits in a statement whose snapshot a concurrent
 * `CREATE INDEX CONCURRENTLY` must wait out, while the CIC's migrator holds the lock it waits for.
 * Throws `LOCK_BUSY` (retryable) naming the holder.
 *
 * @example
 * const waitedMs = await acquireMigrationLock(client, settings, ctx);
 * try { … } finally { await releaseMigrationLock(client, settings.schema); }
 */
export async function acquireMigrationLock(
  client: pg.Client,
  settings: EngineSettings,
  ctx: OperationContext,
): Promise<number> {
  const key = migrationLockKey(settings.schema);
  const started = Date.now();
  const budget = Math.min(settings.lockWaitMs, ctx.remainingTimeMs() - settings.safetyMarginMs);
  const deadline = started + Math.max(0, budget);
  let delay = 50;
  for (let attempt = 1; ; attempt++) {
    if (await tryLock(client, key)) return Date.now() - started;
    const left = deadline - Date.now();
    if (left <= 0) break;
    if (attempt === 1)
      ctx.progress("Waiting for another migration to finish", { schema: settings.schema });
    await settings.sleep(Math.min(left, delay / 2 + Math.random() * delay));
    delay = Math.min(delay * 2, 1_000);
  }
  throw await lockBusyError(client, key, Date.now() - started);
}

async function tryLock(client: pg.Client, key: LockKey): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>(
    "SELECT pg_try_advisory_lock($1, $2) AS locked",
    [key.classId, key.objectId],
  );
  return result.rows[0]?.locked === true;
}

/**
 * Releases the session lock (a no-op when the session is gone: the server released it then).
 *
 * @example
 * await releaseMigrationLock(client, "public");
 */
export async function releaseMigrationLock(client: pg.Client, schema: string): Promise<void> {
  const key = migrationLockKey(schema);
  await client
    .query("SELECT pg_advisory_unlock($1, $2)", [key.classId, key.objectId])
    .catch(() => {});
}

/**
 * Who holds the migration lock of `schema` right now, or null.
 *
 * @example
 * const holder = await findLockHolder(client, "public");
 */
export function findLockHolder(client: pg.Client, schema: string): Promise<LockHolder | null> {
  return findHolderOf(client, migrationLockKey(schema));
}

async function findHolderOf(client: pg.Client, key: LockKey): Promise<LockHolder | null> {
  const result = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    usename: string | null;
    backend_start: Date | null;
    state: string | null;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.usename,
            a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2
        AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      LIMIT 1`,
    [key.classId, key.objectId],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    pid: row.pid,
    applicationName: row.application_name,
    clientAddress: row.client_addr,
    user: row.usename,
    since: row.backend_start?.toISOString() ?? null,
    state: row.state,
  };
}

async function lockBusyError(client: pg.Client, key: LockKey, waitedMs: number): Promise<OpsError> {
  const holder = await findHolderOf(client, key).catch(() => null);
  const who = holder
    ? `pid ${holder.pid} (application '${holder.applicationName}', client ${holder.clientAddress ?? "local socket"}, user ${holder.user ?? "?"}, connected since ${holder.since ?? "?"}, state ${holder.state ?? "?"})`
    : "a session that released it just now";
  return new OpsError(
    "LOCK_BUSY",
    `Another migration holds the migration lock: ${who}. Waited ${Math.round(waitedMs / 1000)} s.`,
    {
      retryable: true,
      details: { holder, waitedMs },
      hint: holder
        ? `Wait for pid ${holder.pid} to finish and run again; if it is stuck, end it with SELECT pg_terminate_backend(${holder.pid}).`
        : "Run again.",
    },
  );
}
