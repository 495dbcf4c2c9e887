import type { Node } from "libpg-query";
import { describeLocation, invalidMigrations } from "./invalid-migrations.ts";
import { hasOption, nodeType } from "./parse-tree.ts";
import { isPairedFile, type SectionDirection, type SectionSource } from "./sections.ts";
import type { ParsedStatement } from "./statements.ts";

const TRANSACTION_CONTROL: Record<string, string> = {
  TRANS_STMT_BEGIN: "BEGIN",
  TRANS_STMT_START: "START TRANSACTION",
  TRANS_STMT_COMMIT: "COMMIT",
  TRANS_STMT_ROLLBACK: "ROLLBACK",
  TRANS_STMT_PREPARE: "PREPARE TRANSACTION",
  TRANS_STMT_COMMIT_PREPARED: "COMMIT PREPARED",
  TRANS_STMT_ROLLBACK_PREPARED: "ROLLBACK PREPARED",
};

const REFUSED_BY_TYPE: Record<string, string> = {
  CreatedbStmt: "CREATE DATABASE",
  DropdbStmt: "DROP DATABASE",
  AlterSystemStmt: "ALTER SYSTEM",
  CreateTableSpaceStmt: "CREATE TABLESPACE",
  DropTableSpaceStmt: "DROP TABLESPACE",
};

/**
 * Rejects a section that runs in a transaction but holds a statement PostgreSQL refuses inside a
 * transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …) or one that would end the
 * migration's transaction early (`COMMIT`). Throws `INVALID_MIGRATIONS` naming file and line.
 *
 * @example
 * assertRunnableAsMarked(splitStatements(section), section, "up");
 * // throws for "CREATE INDEX CONCURRENTLY …" under a plain "-- migrate:up"
 */
export function assertRunnableAsMarked(
  statements: readonly ParsedStatement[],
  section: SectionSource,
  direction: SectionDirection,
): void {
  if (section.transaction === "none") return;
  for (const statement of statements) {
    const at = describeLocation(section.file, statement.line);
    const location = { file: section.file, line: statement.line };
    const refused = refusedInTransactionBlock(statement.node);
    if (refused) {
      const fix = isPairedFile(section.file)
        ? `start ${section.file} with the line '-- migrate:no-transaction'`
        : `add transaction:false to its marker: '-- migrate:${direction} transaction:false'`;
      throw invalidMigrations(
        `${at}: ${refused} cannot run inside a transaction block, and this ${direction} section runs in one; ${fix}`,
        location,
        {
          hint: "Keep it in a migration of its own: outside a transaction a failure is not rolled back, so the fewer statements the better.",
        },
      );
    }
    const control = transactionControl(statement.node);
    if (control) {
      throw invalidMigrations(
        `${at}: ${control} would end the transaction this ${direction} section runs in, so a later failure could no longer be rolled back`,
        location,
        {
          hint: "Remove it (the migration runner begins and commits the transaction), or mark the section to run outside a transaction and manage transactions yourself.",
        },
      );
    }
  }
}

function refusedInTransactionBlock(node: Node): string | undefined {
  if ("IndexStmt" in node && node.IndexStmt.concurrent) return "CREATE INDEX CONCURRENTLY";
  if ("DropStmt" in node && node.DropStmt.concurrent) return "DROP INDEX CONCURRENTLY";
  if ("ReindexStmt" in node) {
    const concurrently = hasOption(node.ReindexStmt.params, "concurrently");
    if (concurrently) return "REINDEX CONCURRENTLY";
  }
  if ("VacuumStmt" in node && node.VacuumStmt.is_vacuumcmd) return "VACUUM";
  if ("ClusterStmt" in node && !node.ClusterStmt.relation) return "CLUSTER without a table";
  if ("AlterTableStmt" in node) {
    const detachesConcurrently = (node.AlterTableStmt.cmds ?? []).some(
      (cmd) =>
        "AlterTableCmd" in cmd &&
        cmd.AlterTableCmd.subtype === "AT_DetachPartition" &&
        cmd.AlterTableCmd.def !== undefined &&
        "PartitionCmd" in cmd.AlterTableCmd.def &&
        cmd.AlterTableCmd.def.PartitionCmd.concurrent === true,
    );
    if (detachesConcurrently) return "DETACH PARTITION CONCURRENTLY";
  }
  return REFUSED_BY_TYPE[nodeType(node)];
}

function transactionControl(node: Node): string | undefined {
  return "TransactionStmt" in node
    ? TRANSACTION_CONTROL[node.TransactionStmt.kind ?? ""]
    : undefined;
}
