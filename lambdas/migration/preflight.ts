import { OpsError } from "../kit/errors.ts";
import type { RecordedFailure } from "./failures.ts";
import type { AppliedMigration } from "./history.ts";
import type { Migration, MigrationManifest, MigrationSummary } from "./types.ts";
import { compareVersions } from "./versions.ts";

/** An applied migration whose file changed since it was applied. */
export interface ChecksumMismatch {
  readonly version: string;
  readonly file: string;
  readonly recorded: string;
  readonly current: string;
}

/**
 * Applied migrations whose up section no longer has the checksum recorded when it was applied.
 *
 * @example
 * findChecksumMismatches(manifest, history); // [{ version: "2", file: "2_users.sql", … }]
 */
export function findChecksumMismatches(
  manifest: MigrationManifest,
  history: readonly AppliedMigration[],
): ChecksumMismatch[] {
  const byVersion = migrationsByVersion(manifest);
  return history.flatMap((applied) => {
    const migration = byVersion.get(applied.version);
    if (!migration || migration.checksum === applied.checksum) return [];
    return [
      {
        version: applied.version,
        file: migration.up.file,
        recorded: applied.checksum,
        current: migration.checksum,
      },
    ];
  });
}

/**
 * Applied versions that have no file in the manifest.
 *
 * @example
 * findMissingFiles(manifest, history); // ["20240101120000"]
 */
export function findMissingFiles(
  manifest: MigrationManifest,
  history: readonly AppliedMigration[],
): string[] {
  const byVersion = migrationsByVersion(manifest);
  return history.filter((applied) => !byVersion.has(applied.version)).map((a) => a.version);
}

/**
 * Migrations of the manifest not in the history, in version order, up to `to` when given.
 *
 * @example
 * findPending(manifest, history, "20240301000000");
 */
export function findPending<M extends MigrationSummary>(
  manifest: { readonly migrations: readonly M[] },
  history: readonly AppliedMigration[],
  to?: string,
): M[] {
  const applied = new Set(history.map((row) => row.version));
  return manifest.migrations
    .filter((migration) => !applied.has(migration.version))
    .filter((migration) => to === undefined || compareVersions(migration.version, to) <= 0)
    .sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * Pending migrations older than the newest applied one.
 *
 * @example
 * findOutOfOrder(pending, history); // [migration 3] when 4 is applied and 3 is not
 */
export function findOutOfOrder(
  pending: readonly Migration[],
  history: readonly AppliedMigration[],
): Migration[] {
  const newest = history.at(-1)?.version;
  if (newest === undefined) return [];
  return pending.filter((migration) => compareVersions(migration.version, newest) < 0);
}

/**
 * `CHECKSUM_MISMATCH` naming the edited files.
 *
 * @example
 * if (mismatches.length > 0) throw checksumMismatchError(mismatches);
 */
export function checksumMismatchError(mismatches: readonly ChecksumMismatch[]): OpsError {
  const files = mismatches.map((mismatch) => mismatch.file).join(", ");
  return new OpsError(
    "CHECKSUM_MISMATCH",
    `Applied migration ${files} was edited after it was applied (its checksum differs from the recorded one); nothing was run.`,
    {
      details: { files: mismatches.map((m) => m.file), mismatches },
      hint: "Restore the file as it was applied and put the change in a new migration; or, if the edit is harmless (comments, formatting), run `ops migrate repair` with acceptEditedChecksums.",
    },
  );
}

/**
 * `OUT_OF_ORDER` naming the pending versions older than the newest applied one.
 *
 * @example
 * throw outOfOrderError(outOfOrder, history.at(-1).version);
 */
export function outOfOrderError(outOfOrder: readonly Migration[], newest: string): OpsError {
  const files = outOfOrder.map((migration) => migration.up.file).join(", ");
  return new OpsError(
    "OUT_OF_ORDER",
    `Pending migration ${files} is older than the newest applied migration ${newest}; nothing was run.`,
    {
      details: { versions: outOfOrder.map((m) => m.version), newestApplied: newest },
      hint: "Give the migration a version newer than the newest applied one, or run with allowOutOfOrder if it does not depend on the order.",
    },
  );
}

/**
 * `PREVIOUS_FAILURE`: a no-transaction migration failed earlier and left something behind.
 *
 * @example
 * if (failures.length > 0) throw previousFailureError(failures);
 */
export function previousFailureError(failures: readonly RecordedFailure[]): OpsError {
  const explained = failures.map(explainFailure).join(" ");
  return new OpsError(
    "PREVIOUS_FAILURE",
    `${explained} Nothing was run. Run \`ops migrate repair\` to clean up, fix the cause, then migrate again.`,
    {
      details: { failures },
      hint: "Run `ops migrate repair` (it drops the invalid indexes the failure left and marks it resolved), fix the cause, then migrate again.",
    },
  );
}

/**
 * One sentence saying what a failed no-transaction migration did and left.
 *
 * @example
 * explainFailure(failure);
 * // "Migration 2_idx.sql failed at line 1 on 2024-… without a transaction (…); it left invalid index public.users_email_key."
 */
export function explainFailure(failure: RecordedFailure): string {
  const where = failure.statementLine === null ? "" : ` at line ${failure.statementLine}`;
  const done =
    failure.statementsDone > 0
      ? ` ${failure.statementsDone} statement(s) before it completed and remain.`
      : "";
  const left =
    failure.invalidIndexes.length > 0
      ? ` It left invalid index ${failure.invalidIndexes.join(", ")}.`
      : "";
  return `Migration ${failure.file} failed${where} on ${failure.failedAt} without a transaction (${failure.error}).${done}${left}`;
}

function migrationsByVersion(manifest: MigrationManifest): Map<string, Migration> {
  return new Map(manifest.migrations.map((migration) => [migration.version, migration]));
}
