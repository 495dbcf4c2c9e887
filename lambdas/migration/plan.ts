import type { OperationContext } from "../kit/context.ts";
import { countOf } from "./format.ts";
import type { ApplyOptions, OperationResult } from "./options.ts";
import {
  explainFailure,
  findChecksumMismatches,
  findMissingFiles,
  findOutOfOrder,
  findPending,
} from "./preflight.ts";
import { withReadSession } from "./session.ts";
import { describeUnexplainedInvalidIndexes, readDatabaseState } from "./state.ts";
import { assertVersion } from "./targets.ts";
import type { Migration, MigrationManifest } from "./types.ts";

/**
 * Lists what `applyPendingMigrations` would run (up to `options.to`): for each pending migration
 * its version, name, file, checksum, transaction mode, statement kinds and risks, plus the
 * problems that would stop it (OUT_OF_ORDER, CHECKSUM_MISMATCH, PREVIOUS_FAILURE) as `problems`
 * and warnings. Runs nothing and takes no lock.
 *
 * @example
 * const { data } = await planMigrations(manifest, { connection }, ctx);
 * data.pending; // [{ version: "20240101120000", name: "create_users", risks: [], … }]
 */
export async function planMigrations(
  manifest: MigrationManifest,
  options: ApplyOptions,
  _ctx: OperationContext,
): Promise<OperationResult> {
  assertVersion("to", options.to);
  return withReadSession(options, async ({ client, tables }) => {
    const state = await readDatabaseState(client, tables, { tablesMayBeMissing: true });
    const pending = findPending(manifest, state.history, options.to);
    const outOfOrder = new Set(findOutOfOrder(pending, state.history));
    const problems = [
      ...findChecksumMismatches(manifest, state.history).map((mismatch) => ({
        code: "CHECKSUM_MISMATCH",
        message: `Applied migration ${mismatch.file} was edited after it was applied.`,
        version: mismatch.version,
      })),
      ...state.failures.map((failure) => ({
        code: "PREVIOUS_FAILURE",
        message: `${explainFailure(failure)} Run \`ops migrate repair\` first.`,
        version: failure.version,
      })),
      ...[...outOfOrder].map((migration) => ({
        code: "OUT_OF_ORDER",
        message: `Pending migration ${migration.up.file} is older than the newest applied one; it needs allowOutOfOrder.`,
        version: migration.version,
      })),
    ];
    const risks = pending.flatMap((migration) =>
      migration.risks.map((risk) => `${describeRiskPlace(migration, risk.line)}: ${risk.message}`),
    );
    const missing = findMissingFiles(manifest, state.history).map(
      (version) => `Applied migration ${version} has no file in the migrations directory.`,
    );
    return {
      summary: `${countOf(pending.length, "pending migration")}${problems.length ? `, ${countOf(problems.length, "problem")} to fix first` : ""}${risks.length ? `, ${countOf(risks.length, "risk warning")}` : ""}`,
      data: {
        pending: pending.map((migration) => describePending(migration, outOfOrder.has(migration))),
        problems,
        appliedCount: state.history.length,
      },
      warnings: [
        ...problems.map((problem) => problem.message),
        ...risks,
        ...missing,
        ...describeUnexplainedInvalidIndexes(state),
      ],
    };
  });
}

function describePending(migration: Migration, outOfOrder: boolean): Record<string, unknown> {
  return {
    version: migration.version,
    name: migration.name,
    file: migration.up.file,
    checksum: migration.checksum,
    transaction: migration.up.transaction,
    kinds: migration.kinds,
    statements: migration.up.statements.length,
    risks: migration.risks,
    irreversible: migration.down === null,
    outOfOrder,
  };
}

function describeRiskPlace(migration: Migration, line: number | undefined): string {
  return line === undefined ? migration.up.file : `${migration.up.file}:${line}`;
}
