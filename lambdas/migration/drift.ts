import { isDeepStrictEqual } from "node:util";
import type { SchemaDescription } from "./fingerprint.ts";

const NOUNS: Record<keyof SchemaDescription, string> = {
  schemas: "schema",
  extensions: "extension",
  tables: "table",
  indexes: "index",
  constraints: "constraint",
  functions: "function",
  sequences: "sequence",
  views: "view",
  enums: "enum type",
  domains: "domain",
  triggers: "trigger",
};

/**
 * What differs between the recorded schema and the live one, one named sentence per difference.
 * Objects in the `public` schema are named without it.
 *
 * @example
 * describeDrift(recorded, live);
 * // ["column users.nickname added outside migrations", "index orders_total_idx dropped outside migrations"]
 */
export function describeDrift(recorded: SchemaDescription, live: SchemaDescription): string[] {
  const drift: string[] = [];
  for (const part of Object.keys(NOUNS) as (keyof SchemaDescription)[]) {
    const before = asRecord(recorded[part]);
    const after = asRecord(live[part]);
    for (const key of unionOfKeys(before, after)) {
      if (isDeepStrictEqual(before[key], after[key])) continue;
      if (part === "tables" && key in before && key in after) {
        drift.push(...describeTableDrift(key, before[key], after[key]));
      } else {
        drift.push(`${NOUNS[part]} ${displayName(key)} ${changeVerb(key in before, key in after)}`);
      }
    }
  }
  return drift;
}

interface ColumnLike {
  name: string;
  [field: string]: unknown;
}

function describeTableDrift(table: string, before: unknown, after: unknown): string[] {
  const left = before as { columns: ColumnLike[] } & Record<string, unknown>;
  const right = after as { columns: ColumnLike[] } & Record<string, unknown>;
  const beforeColumns = Object.fromEntries(left.columns.map((column) => [column.name, column]));
  const afterColumns = Object.fromEntries(right.columns.map((column) => [column.name, column]));
  const drift: string[] = [];
  for (const name of unionOfKeys(beforeColumns, afterColumns)) {
    const was = beforeColumns[name];
    const is = afterColumns[name];
    if (isDeepStrictEqual(was, is)) continue;
    const column = `column ${displayName(table)}.${name}`;
    drift.push(
      was && is
        ? `${column} changed outside migrations (${describeFieldChanges(was, is)})`
        : `${column} ${changeVerb(Boolean(was), Boolean(is))}`,
    );
  }
  for (const field of ["kind", "rowSecurity"]) {
    if (left[field] !== right[field]) {
      drift.push(
        `table ${displayName(table)} changed outside migrations (${field}: ${String(left[field])} → ${String(right[field])})`,
      );
    }
  }
  if (drift.length === 0)
    drift.push(`table ${displayName(table)} column order changed outside migrations`);
  return drift;
}

function describeFieldChanges(was: ColumnLike, is: ColumnLike): string {
  return Object.keys({ ...was, ...is })
    .filter((field) => !isDeepStrictEqual(was[field], is[field]))
    .map((field) => `${field}: ${JSON.stringify(was[field])} → ${JSON.stringify(is[field])}`)
    .join(", ");
}

function changeVerb(existedBefore: boolean, existsNow: boolean): string {
  if (!existedBefore) return "added outside migrations";
  if (!existsNow) return "dropped outside migrations";
  return "changed outside migrations";
}

function displayName(key: string): string {
  return key.startsWith("public.") ? key.slice("public.".length) : key;
}

function asRecord(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return Object.fromEntries(value.map((item) => [String(item), true]));
  return (value ?? {}) as Record<string, unknown>;
}

function unionOfKeys(...records: Record<string, unknown>[]): string[] {
  return [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
}
