import type { RelationName } from "./parse-tree.ts";
import type { MigrationRisk } from "./types.ts";

/** A risk of one statement, before its line is attached. */
export type StatementRisk = Omit<MigrationRisk, "line">;

/** What a statement's risks depend on besides the statement itself. */
export interface RiskContext {
  /** Whether the relation was created earlier in the same migration (so it is empty and unseen). */
  isNew(relation: RelationName | undefined): boolean;
  /** Statements sharing this statement's transaction (0 when the section runs without one). */
  readonly otherStatementsInTransaction: number;
  /** How to mark a migration of this file's format to run outside a transaction. */
  readonly noTransactionMarker: string;
}

/**
 * The ACCESS_EXCLUSIVE_LOCK warning, saying how long the lock is held.
 *
 * @example
 * accessExclusiveLock("TRUNCATE", "events", "make sure nothing needs its rows", context);
 */
export function accessExclusiveLock(
  statement: string,
  table: string,
  advice: string,
  context: RiskContext,
): StatementRisk {
  const others = context.otherStatementsInTransaction;
  const held =
    others > 0
      ? `, and holds it until the migration commits because ${others === 1 ? "another statement shares" : `${others} other statements share`} its transaction; move it to a migration of its own and ${advice}`
      : `; ${advice}`;
  return {
    code: "ACCESS_EXCLUSIVE_LOCK",
    message: `${statement} takes an ACCESS EXCLUSIVE lock on ${table}, which blocks every read and write of it${held}.`,
  };
}
