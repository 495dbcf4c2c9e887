import type { Node } from "libpg-query";
import { nodeType } from "./parse-tree.ts";
import type { StatementKind } from "./types.ts";

const DML_STATEMENTS = new Set([
  "InsertStmt",
  "UpdateStmt",
  "DeleteStmt",
  "MergeStmt",
  "CopyStmt",
  "SelectStmt",
  "TruncateStmt",
]);

/** Statements that define or change schema objects or their permissions, beyond CREATE/ALTER/DROP. */
const OTHER_DDL_STATEMENTS = new Set([
  "DefineStmt",
  "CompositeTypeStmt",
  "ViewStmt",
  "RuleStmt",
  "RenameStmt",
  "CommentStmt",
  "SecLabelStmt",
  "GrantStmt",
  "GrantRoleStmt",
  "ReassignOwnedStmt",
  "ImportForeignSchemaStmt",
]);

const DDL_PREFIXES = ["Create", "Alter", "Drop"];

/**
 * The coarse kind of a parsed statement, used for metrics and `plan`:
 * "index" (CREATE INDEX, REINDEX, DROP INDEX), "ddl" (CREATE/ALTER/DROP of other objects,
 * COMMENT, GRANT, …), "dml" (INSERT, UPDATE, DELETE, MERGE, COPY, SELECT, TRUNCATE) or "other"
 * (SET, DO, CALL, LOCK, VACUUM, …).
 *
 * @example
 * statementKind(parseSync("CREATE INDEX ON users (email)").stmts[0].stmt); // "index"
 */
export function statementKind(node: Node): StatementKind {
  if ("IndexStmt" in node || "ReindexStmt" in node) return "index";
  if ("DropStmt" in node) return node.DropStmt.removeType === "OBJECT_INDEX" ? "index" : "ddl";
  // SELECT … INTO creates a table.
  if ("SelectStmt" in node && node.SelectStmt.intoClause) return "ddl";
  const type = nodeType(node);
  if (DML_STATEMENTS.has(type)) return "dml";
  if (OTHER_DDL_STATEMENTS.has(type) || DDL_PREFIXES.some((prefix) => type.startsWith(prefix))) {
    return "ddl";
  }
  return "other";
}
