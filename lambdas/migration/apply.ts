import type { OperationContext } from "../kit/context.ts";
import { OpsError } from "../kit/errors.ts";
import { runSection, SectionError } from "./execute.ts";
import {
  describeLocation,
  describeStatementFailure,
  type StatementFailureDetails,
} from "./failure-details.ts";
import { recordFailure } from "./failures.ts";
import { recordFingerprint } from "./fingerprint.ts";
import { countOf, formatDuration } from "./format.ts";
import { historyInsertSql } from "./history.ts";
import { findInvalidIndexes } from "./invalid-indexes.ts";
import { dominantKind } from "./kinds.ts";
import type { ApplyOptions, OperationResult } from "./options.ts";
import { planMigrations } from "./plan.ts";
import {
  checksumMismatchError,
  findChecksumMismatches,
  findMissingFiles,
  findOutOfOrder,
  findPending,
  outOfOrderError,
  previousFailureError,
} from "./preflight.ts";
import { undoMigrations } from "./revert.ts";
import { connectionLost, type MigrationSession, withMigrationSession } from "./session.ts";
import {
  type DatabaseState,
  describeUnexplainedInvalidIndexes,
  readDatabaseState,
} from "./state.ts";
import { assertVersion } from "./targets.ts";
import type { Migration, MigrationManifest } from "./types.ts";
import { undoAfterLostConnection } from "./undo-after-lost-connection.ts";

/**
 * Applies the pending migrations in version order (up to `options.to`), each in its own
 * transaction unless marked `transaction: "none"`, under the migration lock. Checks first that
 * applied files are unchanged, that no no-transaction failure is unresolved and that no pending
 * version is older than the newest applied one. When one fails, the migrations this run applied are
 * rolled back (unless `rollbackOnFailure: false`). A repeated `ctx.requestId` returns the recorded
 * outcome. With `ctx.dryRun`, returns the plan and runs nothing.
 *
 * @example
 * const result = await applyPendingMigrations(manifest, { connection: { connectionString: url } }, ctx);
 * result.summary; // "Applied 3 migrations in 1.2 s"
 */
export async function applyPendingMigrations(
  manifest: MigrationManifest,
  options: ApplyOptions,
  ctx: OperationContext,
): Promise<OperationResult> {
  assertVersion("to", options.to);
  if (ctx.dryRun) {
    const plan = await planMigrations(manifest, options, ctx);
    return { ...plan, summary: `Dry run, nothing applied. ${plan.summary}` };
  }
  return withMigrationSession(options, ctx, "migrate", (session) =>
    migrate(session, manifest, options),
  );
}

async function migrate(
  session: MigrationSession,
  manifest: MigrationManifest,
  options: ApplyOptions,
): Promise<OperationResult> {
  const started = performance.now();
  const state = await readDatabaseState(session.client, session.tables);
  const pending = findPending(manifest, state.history, options.to);
  assertReadyToMigrate(manifest, state, pending, options);
  const warnings = [
    ...describeUnexplainedInvalidIndexes(state),
    ...findMissingFiles(manifest, state.history).map(
      (version) => `Applied migration ${version} has no file in the migrations directory.`,
    ),
  ];
  if (pending.length === 0) {
    session.ctx.metrics.add("MigrationsApplied", "Count", 0);
    return nothingToDo(state, options, warnings, session.lockWaitMs);
  }
  const applied: AppliedInRun[] = [];
  for (const [index, migration] of pending.entries()) {
    const outOfTime = timeBudgetExhausted(session, applied, pending.slice(index));
    if (outOfTime) {
      // What was applied stays: record its fingerprint so validate does not report it as drift.
      if (applied.length > 0) {
        await recordFingerprint(session.client, session.tables, {
          operation: "migrate",
          requestId: session.ctx.requestId,
        });
      }
      session.ctx.metrics.add("MigrationsApplied", "Count", applied.length);
      throw outOfTime;
    }
    try {
      applied.push(await applyMigration(session, migration, index, pending.length));
    } catch (error) {
      throw await failRun(session, state, options, migration, error, applied);
    }
  }
  const fingerprint = await recordFingerprint(session.client, session.tables, {
    operation: "migrate",
    requestId: session.ctx.requestId,
  });
  session.ctx.metrics.add("MigrationsApplied", "Count", applied.length);
  const durationMs = performance.now() - started;
  return {
    summary: `Applied ${countOf(applied.length, "migration")} in ${formatDuration(durationMs)}`,
    data: {
      applied: applied.map((entry) => entry.migration.version),
      migrations: applied.map(describeApplied),
      // Pending up to `to` is a prefix of all pending: what is left is the rest.
      pending: findPending(manifest, state.history)
        .slice(applied.length)
        .map((migration) => migration.version),
      fingerprint,
      lockWaitMs: session.lockWaitMs,
      durationMs: Math.round(durationMs),
    },
    warnings,
  };
}

function assertReadyToMigrate(
  manifest: MigrationManifest,
  state: DatabaseState,
  pending: readonly Migration[],
  options: ApplyOptions,
): void {
  const mismatches = findChecksumMismatches(manifest, state.history);
  if (mismatches.length > 0) throw checksumMismatchError(mismatches);
  if (state.failures.length > 0) throw previousFailureError(state.failures);
  const outOfOrder = findOutOfOrder(pending, state.history);
  const newest = state.history.at(-1)?.version;
  if (outOfOrder.length > 0 && !options.allowOutOfOrder && newest !== undefined) {
    throw outOfOrderError(outOfOrder, newest);
  }
}

function nothingToDo(
  state: DatabaseState,
  options: ApplyOptions,
  warnings: string[],
  lockWaitMs: number,
): OperationResult {
  const applied = `${countOf(state.history.length, "migration")} applied`;
  return {
    summary:
      options.to === undefined
        ? `Nothing to do: ${applied}, none pending`
        : `Nothing to do up to version ${options.to}: ${applied}`,
    data: { applied: [], migrations: [], pending: [], lockWaitMs, nothingToDo: true },
    warnings,
  };
}

interface AppliedInRun {
  readonly migration: Migration;
  readonly durationMs: number;
}

function describeApplied(entry: AppliedInRun): Record<string, unknown> {
  const { migration, durationMs } = entry;
  return {
    version: migration.version,
    name: migration.name,
    durationMs: Math.round(durationMs),
    kind: dominantKind(migration),
  };
}

async function applyMigration(
  session: MigrationSession,
  migration: Migration,
  index: number,
  total: number,
): Promise<AppliedInRun> {
  const { ctx, tables, who } = session;
  const label = `${migration.version}_${migration.name}`;
  const attributes = { version: migration.version, name: migration.name };
  ctx.progress(`Applying ${label} (${index + 1}/${total})`, { ...attributes, phase: "started" });
  const started = performance.now();
  // A transaction's bookkeeping is sent before its statements ran: the server measures it then.
  const measured = () =>
    migration.up.transaction === "none" ? performance.now() - started : undefined;
  await runSection(session, migration.up, () =>
    historyInsertSql(tables, migration, who, measured()),
  );
  const durationMs = performance.now() - started;
  const kind = dominantKind(migration);
  ctx.metrics.addWithDimensions("MigrationDuration", "Milliseconds", durationMs, {
    MigrationType: kind,
  });
  ctx.progress(`Applied ${label} in ${formatDuration(durationMs)}`, {
    ...attributes,
    phase: "finished",
    durationMs: Math.round(durationMs),
  });
  return { migration, durationMs };
}

/** No new migration starts with less time left than the safety margin: the error to stop with. */
function timeBudgetExhausted(
  session: MigrationSession,
  applied: readonly AppliedInRun[],
  remaining: readonly Migration[],
): OpsError | null {
  const left = session.ctx.remainingTimeMs();
  const margin = session.settings.safetyMarginMs;
  if (left >= margin) return null;
  const next = remaining[0];
  return new OpsError(
    "TIME_BUDGET_EXHAUSTED",
    `Stopped before ${next?.up.file}: ${formatDuration(left)} left, below the safety margin of ${formatDuration(margin)}. Applied ${countOf(applied.length, "migration")}; ${countOf(remaining.length, "migration")} still pending.`,
    {
      retryable: true,
      details: { remainingTimeMs: Math.round(left), safetyMarginMs: margin },
      data: {
        applied: applied.map((entry) => entry.migration.version),
        pending: remaining.map((migration) => migration.version),
      },
      hint: "Run migrate again: it continues with the pending migrations. Raise the function timeout if one migration needs longer.",
    },
  );
}

async function failRun(
  session: MigrationSession,
  state: DatabaseState,
  options: ApplyOptions,
  migration: Migration,
  error: unknown,
  applied: readonly AppliedInRun[],
): Promise<unknown> {
  if (!(error instanceof SectionError)) return error;
  const details = describeStatementFailure(migration, error);
  const appliedVersions = applied.map((entry) => entry.migration.version);
  if (error.connectionLost)
    return lostConnection(session, options, migration, details, error, applied);
  const leftover =
    migration.up.transaction === "none"
      ? await recordLeftover(session, state, details, error)
      : null;
  const undo =
    options.rollbackOnFailure === false
      ? { rolledBack: [], remainingApplied: appliedVersions.toReversed(), stoppedBecause: null }
      : await undoMigrations(session, applied.map((entry) => entry.migration).toReversed());
  if (undo.remainingApplied.length > 0 || leftover) {
    await recordFingerprint(session.client, session.tables, {
      operation: "migrate",
      requestId: session.ctx.requestId,
    });
  }
  return new OpsError(
    "MIGRATION_FAILED",
    failureMessage(details, migration, leftover, appliedVersions, undo, options),
    {
      details: { ...details, invalidIndexes: leftover?.invalidIndexes ?? [] },
      data: {
        applied: appliedVersions,
        rolledBack: undo.rolledBack,
        remainingApplied: undo.remainingApplied,
        failed: migration.version,
        invalidIndexes: leftover?.invalidIndexes ?? [],
      },
      hint: failureHint(details, leftover),
      cause: error.cause,
    },
  );
}

async function lostConnection(
  session: MigrationSession,
  options: ApplyOptions,
  migration: Migration,
  details: StatementFailureDetails,
  error: SectionError,
  applied: readonly AppliedInRun[],
): Promise<OpsError> {
  const newestFirst = applied.map((entry) => entry.migration).toReversed();
  const versions = newestFirst.map((m) => m.version);
  const undo =
    options.rollbackOnFailure === false || applied.length === 0
      ? { rolledBack: [], remainingApplied: versions, stoppedBecause: "rollbackOnFailure is false" }
      : await undoAfterLostConnection(session, newestFirst);
  const consequence =
    applied.length === 0
      ? "The database is as before the run."
      : undo.remainingApplied.length === 0
        ? `Reconnected and rolled back the ${countOf(undo.rolledBack.length, "migration")} this run applied before it (${undo.rolledBack.join(", ")}): the database is as before the run.`
        : `The migrations this run applied before it stay applied (${undo.remainingApplied.join(", ")}) because ${undo.stoppedBecause}; the next run continues after them.`;
  return connectionLost(
    error.cause,
    {
      applied: versions.toReversed(),
      rolledBack: undo.rolledBack,
      remainingApplied: undo.remainingApplied,
      failed: migration.version,
    },
    `while running ${describeLocation(details)}`,
    consequence,
  );
}

const ACTIVE_SQL_TRANSACTION = "25001";

function failureHint(details: StatementFailureDetails, leftover: Leftover | null): string {
  if (leftover) {
    return "Run `ops migrate repair` to drop what the failure left, fix the cause, then run migrate again.";
  }
  if (details.sqlState === ACTIVE_SQL_TRANSACTION) {
    return `The statement at ${describeLocation(details)} cannot run inside a transaction: mark the section \`-- migrate:up transaction:false\` (or start a .up.sql file with \`-- migrate:no-transaction\`) and run migrate again.`;
  }
  return `Fix the statement at ${describeLocation(details)} and run migrate again.`;
}

interface Leftover {
  readonly statementsDone: number;
  readonly invalidIndexes: string[];
}

/**
 * A failed no-transaction section: what it left, recorded so the next run can explain it. A
 * failure that left nothing (first statement failed, no invalid index) is not recorded.
 */
async function recordLeftover(
  session: MigrationSession,
  state: DatabaseState,
  details: StatementFailureDetails,
  error: SectionError,
): Promise<Leftover | null> {
  const before = new Set(state.invalidIndexes.map((index) => index.name));
  const after = await findInvalidIndexes(session.client);
  const invalidIndexes = after.map((index) => index.name).filter((name) => !before.has(name));
  if (error.statementsDone === 0 && invalidIndexes.length === 0) return null;
  await recordFailure(session.client, session.tables, {
    version: details.version,
    name: details.name,
    file: details.file,
    statementLine: details.line,
    statement: details.statement,
    statementsDone: error.statementsDone,
    sqlState: details.sqlState,
    error: details.error,
    invalidIndexes,
    requestId: session.ctx.requestId,
  });
  return { statementsDone: error.statementsDone, invalidIndexes };
}

function failureMessage(
  details: StatementFailureDetails,
  migration: Migration,
  leftover: Leftover | null,
  appliedVersions: readonly string[],
  undo: { rolledBack: string[]; remainingApplied: string[]; stoppedBecause: string | null },
  options: ApplyOptions,
): string {
  const head = `Migration ${describeLocation(details)} failed: ${details.error}.`;
  const self = leftover
    ? ` It ran without a transaction and was recorded as failed; ${countOf(leftover.statementsDone, "statement")} before the failing one completed and remain${leftover.invalidIndexes.length ? `, and it left invalid index ${leftover.invalidIndexes.join(", ")}` : ""}.`
    : migration.up.transaction === "none"
      ? " It ran without a transaction; its first statement failed and left nothing behind."
      : " Its transaction was rolled back.";
  if (appliedVersions.length === 0) {
    return `${head}${self}${leftover ? "" : " The database is as before the run."}`;
  }
  if (options.rollbackOnFailure === false) {
    return `${head}${self} rollbackOnFailure is false: the migrations this run applied before it stay applied (${appliedVersions.join(", ")}).`;
  }
  if (undo.stoppedBecause === null) {
    return `${head}${self} The ${countOf(undo.rolledBack.length, "migration")} this run applied before it were rolled back (${undo.rolledBack.join(", ")})${leftover ? "" : ": the database is as before the run"}.`;
  }
  const rolled = undo.rolledBack.length ? ` Rolled back ${undo.rolledBack.join(", ")};` : "";
  return `${head}${self}${rolled} ${undo.stoppedBecause}: still applied ${undo.remainingApplied.join(", ")}.`;
}
