import { closeConnection, errorMessage, openConnection } from "./connection.ts";
import { recordFingerprint } from "./fingerprint.ts";
import { readHistory } from "./history.ts";
import { acquireMigrationLock, releaseMigrationLock } from "./lock.ts";
import { type UndoOutcome, undoMigrations } from "./revert.ts";
import type { MigrationSession } from "./session.ts";
import type { Migration } from "./types.ts";

/** How long to wait for the lock again: the lost session's lock is already released. */
const RELOCK_WAIT_MS = 10_000;

/**
 * After the connection died mid-run, undoes the migrations the run had committed, on a new
 * connection under the lock — only while they are still the newest applied (no other run got in
 * between). When that is not possible, says why and what stays applied.
 *
 * @example
 * const undo = await undoAfterLostConnection(session, appliedThisRun.toReversed());
 */
export async function undoAfterLostConnection(
  session: MigrationSession,
  newestFirst: readonly Migration[],
): Promise<UndoOutcome> {
  const versions = newestFirst.map((migration) => migration.version);
  const stopped = (reason: string): UndoOutcome => ({
    rolledBack: [],
    remainingApplied: versions,
    stoppedBecause: reason,
  });
  const client = await openConnection(session.settings).catch(() => null);
  if (!client) return stopped("could not reconnect to roll them back");
  let locked = false;
  try {
    const settings = { ...session.settings, lockWaitMs: RELOCK_WAIT_MS };
    await acquireMigrationLock(client, settings, session.ctx);
    locked = true;
    const newest = (await readHistory(client, session.tables)).slice(-versions.length);
    if (newest.map((row) => row.version).join() !== versions.toReversed().join()) {
      return stopped("another run changed the history since, so they were left as they are");
    }
    const undo = await undoMigrations({ ...session, client }, newestFirst);
    await recordFingerprint(client, session.tables, {
      operation: "migrate",
      requestId: session.ctx.requestId,
    });
    return undo;
  } catch (error) {
    return stopped(`rolling them back on a new connection failed (${errorMessage(error)})`);
  } finally {
    if (locked) await releaseMigrationLock(client, session.settings.schema);
    await closeConnection(client);
  }
}
