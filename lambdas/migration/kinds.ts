import type { Migration, StatementKind } from "./types.ts";

const PRECEDENCE: readonly StatementKind[] = ["index", "ddl", "dml", "other"];

/**
 * The kind a migration is measured as: the dominant kind of its statements (index > ddl > dml >
 * other); "other" for an empty migration.
 *
 * @example
 * dominantKind(migration); // "ddl" for CREATE TABLE + INSERT
 */
export function dominantKind(migration: Migration): StatementKind {
  const kinds = new Set<StatementKind>(migration.kinds);
  for (const statement of migration.up.statements) kinds.add(statement.kind);
  return PRECEDENCE.find((kind) => kinds.has(kind)) ?? "other";
}
