import { createHash } from "node:crypto";
import type pg from "pg";
import { ENGINE_TABLE_PREFIX, type EngineTables } from "./tables.ts";

/**
 * A canonical description of the user schemas' catalog: what migrations create. Keys are
 * schema-qualified names; object keys are sorted, arrays keep catalog order (e.g. column order).
 */
export interface SchemaDescription {
  readonly schemas: string[];
  readonly extensions: Record<string, unknown>;
  readonly tables: Record<string, { columns: Record<string, unknown>[] } & Record<string, unknown>>;
  readonly indexes: Record<string, unknown>;
  readonly constraints: Record<string, unknown>;
  readonly functions: Record<string, unknown>;
  readonly sequences: Record<string, unknown>;
  readonly views: Record<string, unknown>;
  readonly enums: Record<string, unknown>;
  readonly domains: Record<string, unknown>;
  readonly triggers: Record<string, unknown>;
}

export interface DescribeOptions {
  /** Schema of the engine's tables, which are left out (default "public"). */
  readonly engineSchema?: string;
}

const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

const notExtensionMember = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass
     AND d.objid = ${oid} AND d.deptype = 'e')`;

const NOT_ENGINE_RELATION = `NOT (n.nspname = $1 AND c.relname LIKE '${ENGINE_TABLE_PREFIX.replaceAll("_", "\\_")}%')`;

const USER_RELATION = `${USER_SCHEMA} AND ${NOT_ENGINE_RELATION} AND ${notExtensionMember("pg_class", "c.oid")}`;

/** One round trip: every part of the description as one jsonb document. */
const DESCRIBE_SQL = `
SELECT jsonb_build_object(
  'schemas', (SELECT coalesce(jsonb_agg(n.nspname ORDER BY n.nspname), '[]') FROM pg_namespace n
     WHERE ${USER_SCHEMA} AND n.nspname <> $1 AND ${notExtensionMember("pg_namespace", "n.oid")}),
  'extensions', (SELECT coalesce(jsonb_object_agg(e.extname, jsonb_build_object(
       'version', e.extversion, 'schema', n.nspname)), '{}')
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'),
  'tables', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || c.relname, jsonb_build_object(
       'kind', c.relkind, 'rowSecurity', c.relrowsecurity,
       'columns', (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
            'notNull', a.attnotnull, 'default', pg_get_expr(ad.adbin, ad.adrelid),
            'identity', a.attidentity, 'generated', a.attgenerated,
            'collation', CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END
          ) ORDER BY a.attnum), '[]')
          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))), '{}')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'f', 'c') AND ${USER_RELATION}
       AND (c.relkind <> 'c' OR ${notExtensionMember("pg_type", "c.reltype")})),
  'indexes', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || c.relname, jsonb_build_object(
       'definition', pg_get_indexdef(i.indexrelid), 'valid', i.indisvalid)), '{}')
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_RELATION}),
  'constraints', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || c.relname || '.' || k.conname,
       jsonb_build_object('type', k.contype, 'definition', pg_get_constraintdef(k.oid))), '{}')
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_RELATION}),
  'functions', (SELECT coalesce(jsonb_object_agg(
       n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       jsonb_build_object('kind', p.prokind, 'result', pg_get_function_result(p.oid),
         'definition', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END)), '{}')
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE ${USER_SCHEMA} AND ${notExtensionMember("pg_proc", "p.oid")}),
  'sequences', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || c.relname, jsonb_build_object(
       'type', format_type(s.seqtypid, NULL), 'start', s.seqstart::text,
       'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
       'cache', s.seqcache::text, 'cycle', s.seqcycle)), '{}')
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_RELATION}),
  'views', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || c.relname, jsonb_build_object(
       'materialized', c.relkind = 'm', 'definition', pg_get_viewdef(c.oid))), '{}')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('v', 'm') AND ${USER_RELATION}),
  'enums', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || t.typname, (
       SELECT jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)), '{}')
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype = 'e' AND ${USER_SCHEMA} AND ${notExtensionMember("pg_type", "t.oid")}),
  'domains', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || t.typname, jsonb_build_object(
       'type', format_type(t.typbasetype, t.typtypmod), 'notNull', t.typnotnull,
       'default', t.typdefault,
       'checks', (SELECT coalesce(jsonb_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname), '[]')
                  FROM pg_constraint k WHERE k.contypid = t.oid))), '{}')
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype = 'd' AND ${USER_SCHEMA} AND ${notExtensionMember("pg_type", "t.oid")}),
  'triggers', (SELECT coalesce(jsonb_object_agg(n.nspname || '.' || c.relname || '.' || g.tgname,
       pg_get_triggerdef(g.oid)), '{}')
     FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT g.tgisinternal AND ${USER_RELATION})
) AS description`;

/**
 * Describes the catalog of the user schemas (tables, columns with types, nullability and
 * defaults, indexes, constraints, functions, sequences, views, enums, domains, triggers,
 * extensions), leaving out the engine's own tables. Two databases with equal descriptions have the
 * same schema.
 *
 * @example
 * const before = await describeSchema(client);
 * // … migrate, then roll back …
 * expect(await describeSchema(client)).toEqual(before);
 */
export async function describeSchema(
  client: pg.Client,
  options: DescribeOptions = {},
): Promise<SchemaDescription> {
  const result = await client.query<{ description: SchemaDescription }>(DESCRIBE_SQL, [
    options.engineSchema ?? "public",
  ]);
  return canonical(result.rows[0]?.description) as SchemaDescription;
}

/**
 * sha256 (hex) of the canonical JSON of a description.
 *
 * @example
 * fingerprintOf(await describeSchema(client)); // "9f86d0…"
 */
export function fingerprintOf(description: SchemaDescription): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(description)))
    .digest("hex");
}

/** Sorts object keys recursively, so equal catalogs serialise to equal JSON. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, canonical(inner)]));
}

/** The fingerprint recorded after the last run. */
export interface RecordedFingerprint {
  readonly sha256: string;
  readonly description: SchemaDescription;
  readonly recordedAt: string;
  readonly operation: string;
}

/**
 * Describes the live schema and records it as the expected one (after migrate, rollback, repair).
 *
 * @example
 * const sha256 = await recordFingerprint(client, tables, { operation: "migrate", requestId });
 */
export async function recordFingerprint(
  client: pg.Client,
  tables: EngineTables,
  run: { operation: string; requestId: string },
): Promise<string> {
  const description = await describeSchema(client, { engineSchema: tables.schema });
  const sha256 = fingerprintOf(description);
  await client.query(
    `INSERT INTO ${tables.fingerprint} (id, sha256, description, operation, request_id)
     VALUES (1, $1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, description = excluded.description,
       recorded_at = now(), operation = excluded.operation, request_id = excluded.request_id`,
    [sha256, JSON.stringify(description), run.operation, run.requestId],
  );
  return sha256;
}

/**
 * The recorded fingerprint, or null before the first run.
 *
 * @example
 * const recorded = await readRecordedFingerprint(client, tables);
 */
export async function readRecordedFingerprint(
  client: pg.Client,
  tables: EngineTables,
): Promise<RecordedFingerprint | null> {
  const result = await client.query<{
    sha256: string;
    description: SchemaDescription;
    recorded_at: Date;
    operation: string;
  }>(`SELECT sha256, description, recorded_at, operation FROM ${tables.fingerprint} WHERE id = 1`);
  const row = result.rows[0];
  if (!row) return null;
  return {
    sha256: row.sha256,
    description: canonical(row.description) as SchemaDescription,
    recordedAt: row.recorded_at.toISOString(),
    operation: row.operation,
  };
}
