import { runSection, SectionError } from "./execute.ts";
import { historyDeleteSql } from "./history.ts";
import type { MigrationSession } from "./session.ts";
import type { Migration } from "./types.ts";

/**
 * Runs a migration's down section and deletes its history row (in the same transaction unless the
 * down section is `transaction: "none"`). An empty down section is an explicit no-op: only the
 * history row goes. The caller checks `migration.down` first: a missing one is irreversible.
 *
 * @example
 * await revertMigration(session, migration);
 */
export async function revertMigration(
  session: MigrationSession,
  migration: Migration & { down: NonNullable<Migration["down"]> },
): Promise<void> {
  await runSection(session, migration.down, () =>
    historyDeleteSql(session.tables, migration.version),
  );
}

/** What undoing a failed run's migrations achieved. */
export interface UndoOutcome {
  readonly rolledBack: string[];
  /** Versions of this run that stay applied, newest first. */
  readonly remainingApplied: string[];
  /** Why undoing stopped early, in one sentence; null when everything was undone. */
  readonly stoppedBecause: string | null;
}

/**
 * Undoes the migrations a failed run applied, newest first, with their down sections. Stops at an
 * irreversible migration (no down section) or a down section that fails, and says why.
 *
 * @example
 * const undo = await undoMigrations(session, appliedThisRun.toReversed());
 */
export async function undoMigrations(
  session: MigrationSession,
  newestFirst: readonly Migration[],
): Promise<UndoOutcome> {
  const rolledBack: string[] = [];
  for (const [index, migration] of newestFirst.entries()) {
    const remainingApplied = newestFirst.slice(index).map((m) => m.version);
    const { down } = migration;
    if (down === null) {
      const stoppedBecause = `${migration.up.file} is irreversible (no down section), so it and the migrations before it stay applied`;
      return { rolledBack, remainingApplied, stoppedBecause };
    }
    try {
      session.ctx.progress(`Rolling back ${migration.version}_${migration.name}`, {
        version: migration.version,
      });
      await revertMigration(session, { ...migration, down });
      rolledBack.push(migration.version);
    } catch (error) {
      if (!(error instanceof SectionError)) throw error;
      const stoppedBecause = `the down section of ${down.file} failed (${error.message}), so it and the migrations before it stay applied`;
      return { rolledBack, remainingApplied, stoppedBecause };
    }
  }
  return { rolledBack, remainingApplied: [], stoppedBecause: null };
}
