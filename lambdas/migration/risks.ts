import type { DropStmt, Node } from "libpg-query";
import { alterTableRisks } from "./alter-table-risks.ts";
import {
  displayRelation,
  hasOption,
  type RelationName,
  relationKey,
  relationOf,
  relationOfNameList,
} from "./parse-tree.ts";
import { accessExclusiveLock, type RiskContext, type StatementRisk } from "./risk-context.ts";
import { noTransactionMarker, type SectionSource } from "./sections.ts";
import type { ParsedStatement } from "./statements.ts";
import type { MigrationRisk } from "./types.ts";

/** PostgreSQL's lock mode number for ACCESS EXCLUSIVE (as in `LockStmt.mode`). */
const ACCESS_EXCLUSIVE_MODE = 8;

/**
 * The risk warnings of an up section, each with the line of the statement that carries it:
 * blocking index builds, NOT NULL columns without a default, table rewrites, dropped columns and
 * tables, and ACCESS EXCLUSIVE locks on existing tables. Tables created earlier in the same
 * section are empty and invisible to other sessions, so statements on them carry no risk.
 *
 * @example
 * assessRisks(splitStatements(up), up);
 * // → [{ code: "INDEX_WITHOUT_CONCURRENTLY", line: 3, message: "CREATE INDEX on users blocks writes …" }]
 */
export function assessRisks(
  statements: readonly ParsedStatement[],
  section: SectionSource,
): MigrationRisk[] {
  const created = new Set<string>();
  const context: RiskContext = {
    isNew: (relation) => relation !== undefined && created.has(relationKey(relation)),
    otherStatementsInTransaction:
      section.transaction === "transaction" ? Math.max(0, statements.length - 1) : 0,
    noTransactionMarker: noTransactionMarker(section.file, "up"),
  };
  const risks: MigrationRisk[] = [];
  for (const statement of statements) {
    for (const risk of statementRisks(statement.node, context)) {
      risks.push({ ...risk, line: statement.line });
    }
    const table = createdRelation(statement.node);
    if (table) created.add(relationKey(table));
  }
  return risks;
}

function statementRisks(node: Node, context: RiskContext): StatementRisk[] {
  if ("IndexStmt" in node) {
    const { concurrent, relation } = node.IndexStmt;
    const table = relationOf(relation);
    if (concurrent || context.isNew(table)) return [];
    const name = table ? displayRelation(table) : "the table";
    return [
      {
        code: "INDEX_WITHOUT_CONCURRENTLY",
        message: `CREATE INDEX on ${name} blocks writes to ${name} until the index is built; build it with CREATE INDEX CONCURRENTLY in a migration of its own marked ${context.noTransactionMarker}.`,
      },
    ];
  }
  if ("ReindexStmt" in node) {
    const concurrent = hasOption(node.ReindexStmt.params, "concurrently");
    if (concurrent) return [];
    return [
      {
        code: "INDEX_WITHOUT_CONCURRENTLY",
        message: `REINDEX blocks writes to the table (and reads that use the index) until it finishes; use REINDEX CONCURRENTLY in a migration of its own marked ${context.noTransactionMarker}.`,
      },
    ];
  }
  if ("AlterTableStmt" in node) return alterTableRisks(node.AlterTableStmt, context);
  if ("DropStmt" in node) return dropRisks(node.DropStmt, context);
  if ("RenameStmt" in node) {
    const table = relationOf(node.RenameStmt.relation);
    if (!table || context.isNew(table) || node.RenameStmt.relationType !== "OBJECT_TABLE") {
      return [];
    }
    const advice =
      "the rename itself is instant, but queries using the old name fail from then on, so deploy code that copes with both names first";
    return [accessExclusiveLock("RENAME", displayRelation(table), advice, context)];
  }
  return lockingMaintenanceRisks(node, context);
}

function dropRisks(drop: DropStmt, context: RiskContext): StatementRisk[] {
  const { removeType, concurrent, objects = [] } = drop;
  if (removeType === "OBJECT_INDEX" && !concurrent) {
    return [
      accessExclusiveLock(
        "DROP INDEX",
        "the index's table",
        `use DROP INDEX CONCURRENTLY in a migration marked ${context.noTransactionMarker}`,
        context,
      ),
    ];
  }
  if (removeType !== "OBJECT_TABLE") return [];
  return objects
    .map(relationOfNameList)
    .filter((table): table is RelationName => table !== undefined && !context.isNew(table))
    .flatMap((table): StatementRisk[] => {
      const name = displayRelation(table);
      return [
        {
          code: "DROP_TABLE",
          message: `DROP TABLE ${name} deletes the table and its rows for good; deploy code that no longer uses it first and make sure a backup exists (the down section can recreate the table, not its data).`,
        },
        accessExclusiveLock("DROP TABLE", name, "make sure nothing queries it any more", context),
      ];
    });
}

/** TRUNCATE, VACUUM FULL, CLUSTER, REFRESH MATERIALIZED VIEW and LOCK TABLE on existing tables. */
function lockingMaintenanceRisks(node: Node, context: RiskContext): StatementRisk[] {
  const lock = (statement: string, relation: RelationName | undefined, advice: string) =>
    relation && !context.isNew(relation)
      ? [accessExclusiveLock(statement, displayRelation(relation), advice, context)]
      : [];
  if ("TruncateStmt" in node) {
    return (node.TruncateStmt.relations ?? []).flatMap((range) =>
      lock(
        "TRUNCATE",
        "RangeVar" in range ? relationOf(range.RangeVar) : undefined,
        "make sure nothing needs its rows during the migration",
      ),
    );
  }
  if ("VacuumStmt" in node) {
    const full = hasOption(node.VacuumStmt.options, "full");
    if (!full) return [];
    return (node.VacuumStmt.rels ?? []).flatMap((rel) =>
      lock(
        "VACUUM FULL",
        "VacuumRelation" in rel ? relationOf(rel.VacuumRelation.relation) : undefined,
        "it rewrites the whole table, so prefer plain VACUUM, or pg_repack to remove bloat online",
      ),
    );
  }
  if ("ClusterStmt" in node) {
    return lock(
      "CLUSTER",
      relationOf(node.ClusterStmt.relation),
      "it rewrites the whole table, so prefer pg_repack, or run it in a maintenance window",
    );
  }
  if ("RefreshMatViewStmt" in node && !node.RefreshMatViewStmt.concurrent) {
    return lock(
      "REFRESH MATERIALIZED VIEW",
      relationOf(node.RefreshMatViewStmt.relation),
      "use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view)",
    );
  }
  if (
    "LockStmt" in node &&
    (node.LockStmt.mode ?? ACCESS_EXCLUSIVE_MODE) === ACCESS_EXCLUSIVE_MODE
  ) {
    return (node.LockStmt.relations ?? []).flatMap((range) =>
      lock(
        "LOCK TABLE",
        "RangeVar" in range ? relationOf(range.RangeVar) : undefined,
        "take a weaker mode (e.g. SHARE to block only writes) if the migration allows it",
      ),
    );
  }
  return [];
}

function createdRelation(node: Node): RelationName | undefined {
  if ("CreateStmt" in node) return relationOf(node.CreateStmt.relation);
  if ("CreateTableAsStmt" in node) return relationOf(node.CreateTableAsStmt.into?.rel);
  if ("SelectStmt" in node) return relationOf(node.SelectStmt.intoClause?.rel);
  return undefined;
}
