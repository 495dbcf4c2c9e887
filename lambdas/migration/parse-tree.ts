import type { Node, RangeVar } from "libpg-query";

/**
 * The parse tree's node type, e.g. "CreateStmt" for `CREATE TABLE`.
 *
 * @example
 * nodeType({ IndexStmt: { idxname: "users_email_idx" } }); // "IndexStmt"
 */
export function nodeType(node: Node): string {
  return Object.keys(node)[0] ?? "";
}

/** A table (or other relation) name as written: optional schema, then name. */
export interface RelationName {
  readonly schema?: string;
  readonly name: string;
}

/**
 * The relation a `RangeVar` names, or undefined when it names none.
 *
 * @example
 * relationOf({ schemaname: "app", relname: "users" }); // { schema: "app", name: "users" }
 */
export function relationOf(range: RangeVar | undefined): RelationName | undefined {
  if (!range?.relname) return undefined;
  return range.schemaname
    ? { schema: range.schemaname, name: range.relname }
    : { name: range.relname };
}

/**
 * The relation a dotted name list (as in `DROP TABLE app.users`) names.
 *
 * @example
 * relationOfNameList({ List: { items: [{ String: { sval: "app" } }, { String: { sval: "users" } }] } });
 * // { schema: "app", name: "users" }
 */
export function relationOfNameList(node: Node): RelationName | undefined {
  const parts = ("List" in node ? (node.List.items ?? []) : []).map(stringValue);
  const name = parts.at(-1);
  if (!name) return undefined;
  const schema = parts.at(-2);
  return schema ? { schema, name } : { name };
}

/**
 * A key under which the same table written with or without `public.` compares equal.
 *
 * @example
 * relationKey({ name: "users" }) === relationKey({ schema: "public", name: "users" }); // true
 */
export function relationKey(relation: RelationName): string {
  return `${relation.schema ?? "public"}.${relation.name}`;
}

/**
 * The relation as it was written, for messages.
 *
 * @example
 * displayRelation({ schema: "app", name: "users" }); // "app.users"
 */
export function displayRelation(relation: RelationName): string {
  return relation.schema ? `${relation.schema}.${relation.name}` : relation.name;
}

/**
 * The (unqualified, lower-case) names of every function called anywhere in an expression tree.
 *
 * @example
 * [...calledFunctions(defaultExpression)]; // ["gen_random_uuid"]
 */
export function* calledFunctions(tree: unknown): Generator<string> {
  if (Array.isArray(tree)) {
    for (const item of tree) yield* calledFunctions(item);
    return;
  }
  if (tree === null || typeof tree !== "object") return;
  for (const [key, child] of Object.entries(tree)) {
    if (key === "FuncCall") {
      const name = stringValue((child as { funcname?: Node[] }).funcname?.at(-1));
      if (name) yield name.toLowerCase();
    }
    yield* calledFunctions(child);
  }
}

/**
 * The text of a `String` node, or undefined for any other node.
 *
 * @example
 * stringValue({ String: { sval: "users" } }); // "users"
 */
export function stringValue(node: Node | undefined): string | undefined {
  return node && "String" in node ? node.String.sval : undefined;
}

/**
 * Whether an option list (as in `REINDEX (CONCURRENTLY)` or `VACUUM (FULL)`) holds the option.
 *
 * @example
 * hasOption(reindex.params, "concurrently"); // true for REINDEX INDEX CONCURRENTLY users_pkey
 */
export function hasOption(options: readonly Node[] | undefined, name: string): boolean {
  return (options ?? []).some((option) => "DefElem" in option && option.DefElem.defname === name);
}
