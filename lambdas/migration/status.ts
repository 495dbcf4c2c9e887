import type { OperationContext } from "../kit/context.ts";
import { countOf } from "./format.ts";
import type { AppliedMigration } from "./history.ts";
import type { EngineOptions, OperationResult } from "./options.ts";
import { explainFailure, findPending } from "./preflight.ts";
import { withReadSession } from "./session.ts";
import { describeUnexplainedInvalidIndexes, readDatabaseState } from "./state.ts";
import type { MigrationIndex, MigrationSummary } from "./types.ts";

/** Checksum state of an applied migration against its file. */
export type ChecksumState = "ok" | "mismatch" | "missing-file";

/**
 * Which migrations are applied (with applied_at, duration, who, checksum state), pending, and
 * failed without a transaction (unresolved), plus invalid indexes. Takes no lock, creates nothing.
 * Given a function, the index is loaded while the connection is being set up.
 *
 * @example
 * const { summary } = await getMigrationStatus(manifest, { connection }, ctx);
 * // "5 applied, 2 pending, 0 failed"
 */
export async function getMigrationStatus(
  index: MigrationIndex | (() => Promise<MigrationIndex>),
  options: EngineOptions,
  _ctx: OperationContext,
): Promise<OperationResult> {
  const load = typeof index === "function" ? index : async () => index;
  return withReadSession(
    options,
    async ({ client, tables }, manifest) => {
      const state = await readDatabaseState(client, tables, { tablesMayBeMissing: true });
      const byVersion = new Map(manifest.migrations.map((m) => [m.version, m]));
      const applied = state.history.map((row) => describeApplied(row, byVersion.get(row.version)));
      const pending = findPending(manifest, state.history).map((migration) => ({
        version: migration.version,
        name: migration.name,
        file: migration.up.file,
      }));
      const failed = state.failures.map((failure) => ({
        ...failure,
        explanation: explainFailure(failure),
      }));
      const edited = applied.filter((row) => row.checksum === "mismatch");
      return {
        summary: `${applied.length} applied, ${pending.length} pending, ${failed.length} failed${edited.length ? `, ${countOf(edited.length, "edited file")}` : ""}`,
        data: {
          applied,
          pending,
          failed,
          invalidIndexes: state.invalidIndexes,
          current: state.history.at(-1)?.version ?? null,
        },
        warnings: [
          ...edited.map((row) => `Applied migration ${row.file} was edited after it was applied.`),
          ...failed.map((failure) => `${failure.explanation} Run \`ops migrate repair\`.`),
          ...describeUnexplainedInvalidIndexes(state),
        ],
      };
    },
    load,
  );
}

function describeApplied(row: AppliedMigration, migration: MigrationSummary | undefined) {
  const checksum: ChecksumState =
    migration === undefined
      ? "missing-file"
      : migration.checksum === row.checksum
        ? "ok"
        : "mismatch";
  return {
    version: row.version,
    name: row.name,
    file: migration?.up.file ?? null,
    appliedAt: row.appliedAt,
    durationMs: row.durationMs,
    appliedBy: row.appliedBy,
    requestId: row.requestId,
    checksum,
  };
}
