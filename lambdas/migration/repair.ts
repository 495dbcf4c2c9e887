import pg from "pg";
import type { OperationContext } from "../kit/context.ts";
import { type RecordedFailure, resolveFailures } from "./failures.ts";
import { recordFingerprint } from "./fingerprint.ts";
import { countOf } from "./format.ts";
import { updateChecksums } from "./history.ts";
import type { InvalidIndex } from "./invalid-indexes.ts";
import type { OperationResult, RepairOptions } from "./options.ts";
import { findChecksumMismatches } from "./preflight.ts";
import type { MigrationSession } from "./session.ts";
import { withMigrationSession } from "./session.ts";
import {
  type DatabaseState,
  describeUnexplainedInvalidIndexes,
  readDatabaseState,
} from "./state.ts";
import type { MigrationManifest } from "./types.ts";

/**
 * Resolves what failed runs left: drops (CONCURRENTLY) the invalid indexes recorded by failed
 * no-transaction migrations, marks those failures resolved, and re-records the schema
 * fingerprint. With `acceptEditedChecksums`, also records the current checksum of applied
 * migrations whose file was edited. Says what it did, one line per action.
 *
 * @example
 * const { data } = await repairMigrations(manifest, { connection }, ctx);
 * data.actions; // ["Dropped invalid index public.users_email_key left by 2_email_unique.sql", …]
 */
export async function repairMigrations(
  manifest: MigrationManifest,
  options: RepairOptions,
  ctx: OperationContext,
): Promise<OperationResult> {
  return withMigrationSession(options, ctx, "repair", (session) =>
    repair(session, manifest, options),
  );
}

async function repair(
  session: MigrationSession,
  manifest: MigrationManifest,
  options: RepairOptions,
): Promise<OperationResult> {
  const state = await readDatabaseState(session.client, session.tables);
  const actions = [...(await resolveRecordedFailures(session, state))];
  const warnings: string[] = describeUnexplainedInvalidIndexes(state);
  const mismatches = findChecksumMismatches(manifest, state.history);
  if (options.acceptEditedChecksums) {
    await updateChecksums(
      session.client,
      session.tables,
      mismatches.map((m) => ({
        version: m.version,
        checksum: m.current,
      })),
    );
    actions.push(...mismatches.map((m) => `Accepted the edited checksum of ${m.file}`));
  } else {
    warnings.push(
      ...mismatches.map(
        (m) =>
          `Applied migration ${m.file} was edited; repair with acceptEditedChecksums to accept the edit (only if it does not change what the migration does).`,
      ),
    );
  }
  const fingerprint = await recordFingerprint(session.client, session.tables, {
    operation: "repair",
    requestId: session.ctx.requestId,
  });
  actions.push("Recorded the current schema fingerprint");
  const repaired = actions.length - 1;
  return {
    summary: repaired === 0 ? "Nothing to repair" : `Repaired: ${actions.slice(0, -1).join("; ")}`,
    data: {
      actions,
      resolvedFailures: state.failures.map((failure) => failure.version),
      acceptedChecksums: options.acceptEditedChecksums ? mismatches.map((m) => m.file) : [],
      fingerprint,
    },
    warnings,
  };
}

async function resolveRecordedFailures(
  session: MigrationSession,
  state: DatabaseState,
): Promise<string[]> {
  const invalidNow = new Map(state.invalidIndexes.map((index) => [index.name, index]));
  const actions: string[] = [];
  for (const failure of state.failures) {
    for (const name of failure.invalidIndexes) {
      const index = invalidNow.get(name);
      actions.push(
        index
          ? await dropInvalidIndex(session, index, failure)
          : `Index ${name} left by ${failure.file} is no longer invalid; left it in place`,
      );
    }
    actions.push(describeResolution(failure));
  }
  await resolveFailures(
    session.client,
    session.tables,
    state.failures.map((failure) => failure.id),
    `repair by ${session.ctx.actor} (request ${session.ctx.requestId})`,
  );
  return actions;
}

async function dropInvalidIndex(
  session: MigrationSession,
  index: InvalidIndex,
  failure: RecordedFailure,
): Promise<string> {
  session.ctx.progress(`Dropping invalid index ${index.name}`, { index: index.name });
  const name = `${pg.escapeIdentifier(index.schema)}.${pg.escapeIdentifier(index.index)}`;
  // CONCURRENTLY: a plain DROP INDEX would take an ACCESS EXCLUSIVE lock on the table.
  await session.client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  return `Dropped invalid index ${index.name} left by ${failure.file}`;
}

function describeResolution(failure: RecordedFailure): string {
  const remain =
    failure.statementsDone > 0
      ? ` (${countOf(failure.statementsDone, "statement")} of it completed and remain: make them idempotent, e.g. IF NOT EXISTS, before migrating again)`
      : "";
  return `Marked the failure of ${failure.file} resolved${remain}`;
}
