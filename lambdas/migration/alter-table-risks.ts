import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint } from "libpg-query";
import { calledFunctions, displayRelation, relationOf, stringValue } from "./parse-tree.ts";
import { accessExclusiveLock, type RiskContext, type StatementRisk } from "./risk-context.ts";

/** ALTER TABLE forms that take a weaker lock than ACCESS EXCLUSIVE (PostgreSQL docs, ALTER TABLE). */
const WEAKER_LOCK_SUBTYPES = new Set([
  "AT_SetStatistics",
  "AT_SetOptions",
  "AT_ResetOptions",
  "AT_ClusterOn",
  "AT_DropCluster",
  "AT_SetRelOptions",
  "AT_ResetRelOptions",
  "AT_ValidateConstraint",
  "AT_AttachPartition",
  "AT_DetachPartitionFinalize",
  "AT_EnableTrig",
  "AT_EnableAlwaysTrig",
  "AT_EnableReplicaTrig",
  "AT_DisableTrig",
  "AT_EnableTrigAll",
  "AT_DisableTrigAll",
  "AT_EnableTrigUser",
  "AT_DisableTrigUser",
]);

/** ALTER TABLE forms that rewrite the whole table, by the SQL that spells them. */
const REWRITING_SUBTYPES: Record<string, string> = {
  AT_SetLogged: "SET LOGGED",
  AT_SetUnLogged: "SET UNLOGGED",
  AT_SetAccessMethod: "SET ACCESS METHOD",
  AT_SetTableSpace: "SET TABLESPACE",
};

/** Functions whose result differs per row: a column default calling one fills every row. */
const VOLATILE_FUNCTIONS = new Set([
  "random",
  "random_normal",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "txid_current",
  "pg_current_xact_id",
]);

/** Common STABLE or IMMUTABLE functions: a default calling only these is evaluated once. */
const NON_VOLATILE_FUNCTIONS = new Set([
  "now",
  "transaction_timestamp",
  "statement_timestamp",
  "current_setting",
  "lower",
  "upper",
  "btrim",
  "concat",
  "concat_ws",
  "to_json",
  "to_jsonb",
  "json_build_object",
  "jsonb_build_object",
  "json_build_array",
  "jsonb_build_array",
  "make_date",
  "make_interval",
  "make_timestamp",
  "make_timestamptz",
  "to_timestamp",
  "to_date",
  "to_char",
  "date_trunc",
  "timezone",
]);

const SERIAL_TYPES = new Set([
  "smallserial",
  "serial",
  "bigserial",
  "serial2",
  "serial4",
  "serial8",
]);

/**
 * The risks of an `ALTER TABLE` on an existing table: NOT NULL columns without a default, table
 * rewrites, dropped columns, and the ACCESS EXCLUSIVE lock most forms take.
 *
 * @example
 * alterTableRisks(parseSync("ALTER TABLE users DROP COLUMN bio").stmts[0].stmt.AlterTableStmt, context);
 * // → [{ code: "DROP_COLUMN", … }, { code: "ACCESS_EXCLUSIVE_LOCK", … }]
 */
export function alterTableRisks(alter: AlterTableStmt, context: RiskContext): StatementRisk[] {
  const relation = relationOf(alter.relation);
  if (alter.objtype !== "OBJECT_TABLE" || !relation || context.isNew(relation)) return [];
  const table = displayRelation(relation);
  const commands = (alter.cmds ?? []).flatMap((cmd) =>
    "AlterTableCmd" in cmd ? [cmd.AlterTableCmd] : [],
  );
  const risks = commands.flatMap((command) => commandRisks(command, table));
  if (commands.some(takesAccessExclusiveLock)) {
    const advice =
      "schedule it when no long-running transaction uses the table (lock_timeout makes it give up instead of queueing traffic behind it)";
    risks.push(accessExclusiveLock("ALTER TABLE", table, advice, context));
  }
  return risks;
}

function commandRisks(command: AlterTableCmd, table: string): StatementRisk[] {
  const column = command.def && "ColumnDef" in command.def ? command.def.ColumnDef : undefined;
  switch (command.subtype) {
    case "AT_AddColumn":
      return column ? addColumnRisks(column, table) : [];
    case "AT_AlterColumnType":
      return [
        {
          code: "TABLE_REWRITE",
          message: `ALTER COLUMN ${command.name} TYPE rewrites ${table} and rebuilds its indexes under an ACCESS EXCLUSIVE lock unless the new type is binary-compatible (e.g. varchar(n) to text); add a new column, backfill it in batches and switch over instead.`,
        },
      ];
    case "AT_DropColumn":
      return [
        {
          code: "DROP_COLUMN",
          message: `DROP COLUMN ${command.name} deletes its data for good and breaks code that still reads ${table}.${command.name}; deploy code that no longer uses the column first (the down section can recreate the column, not its data).`,
        },
      ];
    default: {
      const rewrite = REWRITING_SUBTYPES[command.subtype ?? ""];
      return rewrite
        ? [
            {
              code: "TABLE_REWRITE",
              message: `${rewrite} rewrites ${table} under an ACCESS EXCLUSIVE lock; run it in a maintenance window.`,
            },
          ]
        : [];
    }
  }
}

function addColumnRisks(column: ColumnDef, table: string): StatementRisk[] {
  const name = column.colname ?? "the column";
  const constraints = (column.constraints ?? []).flatMap((node): Constraint[] =>
    "Constraint" in node ? [node.Constraint] : [],
  );
  const has = (type: Constraint["contype"]) => constraints.some((c) => c.contype === type);
  const typeName = stringValue(column.typeName?.names?.at(-1))?.toLowerCase() ?? "";
  const fillsRowsFromSequence = SERIAL_TYPES.has(typeName) || has("CONSTR_IDENTITY");
  const storedGenerated = constraints.some(
    (c) => c.contype === "CONSTR_GENERATED" && c.generated_kind === "s",
  );
  const defaultExpression = constraints.find((c) => c.contype === "CONSTR_DEFAULT")?.raw_expr;
  const risks: StatementRisk[] = [];

  const providesValues = defaultExpression || fillsRowsFromSequence || has("CONSTR_GENERATED");
  if ((has("CONSTR_NOTNULL") || has("CONSTR_PRIMARY")) && !providesValues) {
    risks.push({
      code: "NOT_NULL_WITHOUT_DEFAULT",
      message: `ADD COLUMN ${name} NOT NULL without a DEFAULT fails as soon as ${table} has a row; add a DEFAULT, or add the column as nullable, backfill it, then SET NOT NULL.`,
    });
  }
  const rewriteReason = fillsRowsFromSequence
    ? "fills every existing row from a sequence"
    : storedGenerated
      ? "computes a stored value for every existing row"
      : defaultExpression
        ? volatileDefaultReason(defaultExpression)
        : undefined;
  if (rewriteReason) {
    risks.push({
      code: "TABLE_REWRITE",
      message: `ADD COLUMN ${name} ${rewriteReason}, rewriting ${table} under an ACCESS EXCLUSIVE lock; add the column with no default (or a constant one), then backfill it in batches.`,
    });
  }
  return risks;
}

function volatileDefaultReason(expression: unknown): string | undefined {
  const functions = [...new Set(calledFunctions(expression))];
  const volatile = functions.filter((name) => VOLATILE_FUNCTIONS.has(name));
  if (volatile.length > 0) {
    return `with a volatile DEFAULT (${volatile.map((name) => `${name}()`).join(", ")}) evaluates it for every existing row`;
  }
  const unknown = functions.filter((name) => !NON_VOLATILE_FUNCTIONS.has(name));
  if (unknown.length > 0) {
    return `with DEFAULT calling ${unknown.map((name) => `${name}()`).join(", ")} evaluates it for every existing row unless it is STABLE or IMMUTABLE`;
  }
  return undefined;
}

function takesAccessExclusiveLock(command: AlterTableCmd): boolean {
  if (WEAKER_LOCK_SUBTYPES.has(command.subtype ?? "")) return false;
  const def = command.def;
  if (command.subtype === "AT_AddConstraint" && def && "Constraint" in def) {
    // Adding a foreign key takes SHARE ROW EXCLUSIVE.
    return def.Constraint.contype !== "CONSTR_FOREIGN";
  }
  if (command.subtype === "AT_DetachPartition" && def && "PartitionCmd" in def) {
    return def.PartitionCmd.concurrent !== true;
  }
  return true;
}
