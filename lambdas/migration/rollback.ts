import type { OperationContext } from "../kit/context.ts";
import { OpsError } from "../kit/errors.ts";
import { SectionError } from "./execute.ts";
import { describeLocation, describeStatementFailure } from "./failure-details.ts";
import { recordFingerprint } from "./fingerprint.ts";
import { countOf, formatDuration } from "./format.ts";
import type { AppliedMigration } from "./history.ts";
import type { OperationResult, RollbackOptions } from "./options.ts";
import {
  checksumMismatchError,
  findChecksumMismatches,
  previousFailureError,
} from "./preflight.ts";
import { revertMigration } from "./revert.ts";
import { connectionLost, type MigrationSession, withMigrationSession } from "./session.ts";
import { readDatabaseState } from "./state.ts";
import { assertSteps, assertVersion } from "./targets.ts";
import type { Migration, MigrationManifest } from "./types.ts";
import { compareVersions } from "./versions.ts";

type ReversibleMigration = Migration & { down: NonNullable<Migration["down"]> };

/**
 * Rolls back applied migrations newest first with their down sections: every one newer than
 * `options.to`, or the newest `options.steps` (default 1). Before running anything it checks the
 * files are unchanged and none of them is irreversible (`IRREVERSIBLE`: it stops before a
 * migration without a down section). An empty down section is an explicit no-op.
 *
 * @example
 * await rollbackMigrations(manifest, { connection, steps: 2 }, ctx); // "Rolled back 2 migrations in 0.3 s"
 */
export async function rollbackMigrations(
  manifest: MigrationManifest,
  options: RollbackOptions,
  ctx: OperationContext,
): Promise<OperationResult> {
  assertVersion("to", options.to);
  assertSteps(options.steps);
  return withMigrationSession(options, ctx, "rollback", (session) =>
    rollback(session, manifest, options),
  );
}

async function rollback(
  session: MigrationSession,
  manifest: MigrationManifest,
  options: RollbackOptions,
): Promise<OperationResult> {
  const started = performance.now();
  const state = await readDatabaseState(session.client, session.tables);
  const mismatches = findChecksumMismatches(manifest, state.history);
  if (mismatches.length > 0) throw checksumMismatchError(mismatches);
  if (state.failures.length > 0) throw previousFailureError(state.failures);
  const targets = resolveTargets(manifest, selectTargets(state.history, options));
  if (targets.length === 0) {
    return {
      summary: "Nothing to roll back",
      data: { rolledBack: [], nothingToDo: true },
      warnings: [],
    };
  }
  if (session.ctx.dryRun) {
    const versions = targets.map((m) => m.version);
    return {
      summary: `Dry run, nothing rolled back. Would roll back ${countOf(targets.length, "migration")}: ${versions.join(", ")}`,
      data: { wouldRollBack: versions },
      warnings: [],
    };
  }
  const rolledBack: string[] = [];
  for (const [index, migration] of targets.entries()) {
    const outOfTime = timeBudgetExhausted(session, rolledBack, targets.slice(index));
    if (outOfTime) {
      if (rolledBack.length > 0) await recordRollbackFingerprint(session);
      throw outOfTime;
    }
    try {
      session.ctx.progress(`Rolling back ${migration.version}_${migration.name}`, {
        version: migration.version,
        phase: "started",
      });
      await revertMigration(session, migration);
      rolledBack.push(migration.version);
    } catch (error) {
      throw await failRollback(session, migration, error, rolledBack, targets.slice(index + 1));
    }
  }
  const fingerprint = await recordRollbackFingerprint(session);
  session.ctx.metrics.add("MigrationsRolledBack", "Count", rolledBack.length);
  const durationMs = performance.now() - started;
  return {
    summary: `Rolled back ${countOf(rolledBack.length, "migration")} in ${formatDuration(durationMs)}: ${rolledBack.join(", ")}`,
    data: {
      rolledBack,
      current:
        state.history.filter((row) => !rolledBack.includes(row.version)).at(-1)?.version ?? null,
      fingerprint,
      durationMs: Math.round(durationMs),
    },
    warnings: [],
  };
}

function selectTargets(history: readonly AppliedMigration[], options: RollbackOptions) {
  const newestFirst = history.toReversed();
  const { to } = options;
  if (to !== undefined) return newestFirst.filter((row) => compareVersions(row.version, to) > 0);
  return newestFirst.slice(0, options.steps ?? 1);
}

/** The migrations to undo, newest first; throws when one has no file or no down section. */
function resolveTargets(
  manifest: MigrationManifest,
  targets: readonly AppliedMigration[],
): ReversibleMigration[] {
  const byVersion = new Map(manifest.migrations.map((m) => [m.version, m]));
  return targets.map((row, index) => {
    const migration = byVersion.get(row.version);
    if (!migration) {
      throw new OpsError(
        "MISSING_FILE",
        `Cannot roll back ${row.version}_${row.name}: it has no file in the migrations directory, so its down section is unknown; nothing was rolled back.`,
        {
          details: { version: row.version, name: row.name },
          hint: "Restore the migration file, then roll back again.",
        },
      );
    }
    const { down } = migration;
    if (down === null) throw irreversibleError(migration, index, targets.length);
    return { ...migration, down };
  });
}

function irreversibleError(migration: Migration, reachable: number, asked: number): OpsError {
  const instead =
    reachable === 0
      ? "No migration can be rolled back from here."
      : `At most ${countOf(reachable, "migration")} can be rolled back (steps: ${reachable}, or to: ${migration.version}).`;
  return new OpsError(
    "IRREVERSIBLE",
    `Rollback stops before ${migration.up.file}: it is irreversible (no down section), and rolling back ${countOf(asked, "migration")} would cross it. Nothing was rolled back. ${instead}`,
    {
      details: { version: migration.version, file: migration.up.file, maxSteps: reachable },
      hint: "Roll back fewer migrations, or write a new migration that undoes the change.",
    },
  );
}

function timeBudgetExhausted(
  session: MigrationSession,
  rolledBack: readonly string[],
  remaining: readonly Migration[],
): OpsError | null {
  const left = session.ctx.remainingTimeMs();
  if (left >= session.settings.safetyMarginMs) return null;
  return new OpsError(
    "TIME_BUDGET_EXHAUSTED",
    `Stopped before rolling back ${remaining[0]?.up.file}: ${formatDuration(left)} left, below the safety margin of ${formatDuration(session.settings.safetyMarginMs)}. Rolled back ${countOf(rolledBack.length, "migration")}.`,
    {
      retryable: true,
      data: { rolledBack, pending: remaining.map((m) => m.version) },
      hint: "Run the rollback again with the remaining count (or the same `to`).",
    },
  );
}

async function failRollback(
  session: MigrationSession,
  migration: ReversibleMigration,
  error: unknown,
  rolledBack: readonly string[],
  notReached: readonly Migration[],
): Promise<unknown> {
  if (!(error instanceof SectionError)) return error;
  const details = describeStatementFailure(migration, error);
  const data = {
    rolledBack,
    failed: migration.version,
    remainingApplied: [migration.version, ...notReached.map((m) => m.version)],
  };
  if (error.connectionLost) {
    return connectionLost(error.cause, data, `while rolling back ${describeLocation(details)}`);
  }
  if (rolledBack.length > 0) await recordRollbackFingerprint(session);
  const before = rolledBack.length ? ` Rolled back before it: ${rolledBack.join(", ")}.` : "";
  return new OpsError(
    "ROLLBACK_FAILED",
    `Down section ${describeLocation(details)} failed: ${details.error}. ${migration.version} stays applied.${before}`,
    {
      details,
      data,
      hint: `Fix the down section at ${describeLocation(details)} and roll back again.`,
      cause: error.cause,
    },
  );
}

function recordRollbackFingerprint(session: MigrationSession): Promise<string> {
  return recordFingerprint(session.client, session.tables, {
    operation: "rollback",
    requestId: session.ctx.requestId,
  });
}
