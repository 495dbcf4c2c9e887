import { createHash } from "node:crypto";
import type {
  Migration,
  MigrationManifest,
  MigrationRisk,
  MigrationSection,
  MigrationStatement,
  StatementKind,
  TransactionMode,
} from "../../lambdas/migration/types.ts";

/** A migration written inline in a test, as if it were `<version>_<name>.sql` (dbmate style). */
export interface MigrationSpec {
  readonly version: string;
  readonly name: string;
  readonly up: string;
  /** The down section's SQL; "" is an explicit no-op; null (or absent) makes it irreversible. */
  readonly down?: string | null;
  readonly upTransaction?: TransactionMode;
  readonly downTransaction?: TransactionMode;
}

/**
 * Builds a `Migration` from SQL strings, splitting statements naively at a `;` that ends a line
 * (good enough for test SQL without semicolons inside strings or bodies on line ends).
 *
 * @example
 * const m = sqlMigration({ version: "1", name: "users", up: "CREATE TABLE users (id int);", down: "DROP TABLE users;" });
 */
export function sqlMigration(spec: MigrationSpec): Migration {
  const file = `${spec.version}_${spec.name}.sql`;
  const upLines = spec.up.split("\n").length;
  // The file: "-- migrate:up" on line 1, the up SQL, then "-- migrate:down" and the down SQL.
  const up = section(file, spec.up, 2, spec.upTransaction ?? "transaction");
  const down =
    spec.down === undefined || spec.down === null
      ? null
      : section(file, spec.down, 2 + upLines + 1, spec.downTransaction ?? "transaction");
  const kinds = [...new Set(up.statements.map((statement) => statement.kind))];
  const risks: MigrationRisk[] =
    down === null
      ? [
          {
            code: "IRREVERSIBLE",
            message: `${file} has no down section: it cannot be rolled back.`,
          },
        ]
      : [];
  return {
    version: spec.version,
    name: spec.name,
    checksum: createHash("sha256").update(spec.up.replace(/\r\n/g, "\n")).digest("hex"),
    up,
    down,
    kinds,
    risks,
  };
}

/**
 * A manifest of migrations, ordered by version.
 *
 * @example
 * const manifest = manifestOf(sqlMigration({ … }), sqlMigration({ … }));
 */
export function manifestOf(...migrations: Migration[]): MigrationManifest {
  const ordered = [...migrations].sort((a, b) =>
    BigInt(a.version) < BigInt(b.version) ? -1 : BigInt(a.version) > BigInt(b.version) ? 1 : 0,
  );
  return { formatVersion: 1, migrations: ordered };
}

/**
 * Builds migrations from specs and returns their manifest.
 *
 * @example
 * const manifest = manifestFrom([{ version: "1", name: "users", up: "…", down: "…" }]);
 */
export function manifestFrom(specs: readonly MigrationSpec[]): MigrationManifest {
  return manifestOf(...specs.map(sqlMigration));
}

function section(
  file: string,
  sql: string,
  firstLine: number,
  transaction: TransactionMode,
): MigrationSection {
  return { file, sql, transaction, statements: splitNaively(sql, firstLine) };
}

function splitNaively(sql: string, firstLine: number): MigrationStatement[] {
  const statements: MigrationStatement[] = [];
  let buffer: string[] = [];
  let startLine = firstLine;
  sql.split("\n").forEach((text, index) => {
    if (buffer.length === 0 && text.trim() === "") {
      startLine = firstLine + index + 1;
      return;
    }
    buffer.push(text);
    if (text.trimEnd().endsWith(";")) {
      statements.push(statement(buffer.join("\n"), startLine));
      buffer = [];
      startLine = firstLine + index + 1;
    }
  });
  if (buffer.join("").trim() !== "") statements.push(statement(buffer.join("\n"), startLine));
  return statements;
}

function statement(sql: string, line: number): MigrationStatement {
  return { sql: sql.trim(), kind: kindOf(sql), line };
}

function kindOf(sql: string): StatementKind {
  const text = sql.trim();
  if (/^(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX)\b/i.test(text)) return "index";
  if (/^(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|TRUNCATE)\b/i.test(text)) return "ddl";
  if (/^(INSERT|UPDATE|DELETE|COPY|MERGE)\b/i.test(text)) return "dml";
  return "other";
}
