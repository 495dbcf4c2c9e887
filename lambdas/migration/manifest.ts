import { createHash } from "node:crypto";
import { migrationChecksum } from "./checksum.ts";
import { statementKind } from "./classify.ts";
import { describeLocation, invalidMigrations } from "./invalid-migrations.ts";
import { assessRisks } from "./risks.ts";
import {
  isPairedFile,
  type SectionDirection,
  type SectionSource,
  type SourceText,
} from "./sections.ts";
import { type MigrationSource, readMigrationSources } from "./source.ts";
import { loadSqlParser, type ParsedStatement, splitStatements } from "./statements.ts";
import { assertRunnableAsMarked } from "./transaction-block.ts";
import type {
  Migration,
  MigrationManifest,
  MigrationRisk,
  MigrationSection,
  StatementKind,
} from "./types.ts";

// The build script imports these from here; the Lambda imports them from manifest-file.ts, which
// keeps the SQL parser out of its bundle.
export { loadManifestFile, validateManifest, writeManifest } from "./manifest-file.ts";

/**
 * Reads a migrations directory (single-file and `.up.sql`/`.down.sql` migrations alike) and
 * builds what the migration engine runs: every section split into statements by PostgreSQL's
 * parser, each statement's kind and line, the up section's checksum and risk warnings.
 * Throws `INVALID_MIGRATIONS` naming the file (and line) for anything malformed.
 *
 * @example
 * const manifest = await buildManifest("lambdas/migration/migrations");
 * manifest.migrations[0].up.statements[0]; // { sql: "CREATE TABLE accounts (…)", kind: "ddl", line: 4 }
 */
export async function buildManifest(
  dir: string,
  options: { cache?: CompiledMigrationCache } = {},
): Promise<MigrationManifest> {
  const sources = readMigrationSources(dir);
  const migrations: Migration[] = [];
  for (const source of sources) {
    const key = options.cache ? sourceKey(source) : "";
    let migration = options.cache?.get(key);
    if (!migration) {
      // Loaded on the first migration not in the cache: a warm cache never starts the parser.
      await loadSqlParser();
      migration = compileMigration(source);
      options.cache?.set(key, migration);
    }
    migrations.push(migration);
  }
  return { formatVersion: 1, migrations };
}

/**
 * Compiled migrations by the digest of their source, so unchanged files are not parsed again
 * (the CLI keeps one on disk under `.ops/`).
 */
export interface CompiledMigrationCache {
  get(key: string): Migration | undefined;
  set(key: string, migration: Migration): void;
}

/** Digest of everything compiling a migration depends on: its files' names and text. */
function sourceKey(source: MigrationSource): string {
  return createHash("sha256")
    .update(`${COMPILER_VERSION}\0${JSON.stringify(source)}`)
    .digest("hex");
}

/** Bump when compiling changes (statement kinds, risks), so cached results are not reused. */
const COMPILER_VERSION = "1";

function compileMigration(source: MigrationSource): Migration {
  if (source.preamble) assertNoStatements(source.preamble);
  const upStatements = parseSection(source.up, "up");
  const up = toManifestSection(source.up, upStatements);
  const down = source.down
    ? toManifestSection(source.down, parseSection(source.down, "down"))
    : null;
  const risks: MigrationRisk[] = assessRisks(upStatements, source.up);
  if (!down) risks.push(irreversible(source));
  return {
    version: source.version,
    name: source.name,
    checksum: migrationChecksum(source.up.sql),
    up,
    down,
    kinds: [...new Set<StatementKind>(up.statements.map((statement) => statement.kind))],
    risks,
  };
}

function parseSection(section: SectionSource, direction: SectionDirection): ParsedStatement[] {
  const statements = splitStatements(section);
  assertRunnableAsMarked(statements, section, direction);
  return statements;
}

function toManifestSection(
  section: SectionSource,
  statements: readonly ParsedStatement[],
): MigrationSection {
  return {
    file: section.file,
    sql: section.sql,
    transaction: section.transaction,
    statements: statements.map(({ sql, line, node }) => ({ sql, kind: statementKind(node), line })),
  };
}

function assertNoStatements(preamble: SourceText): void {
  const [statement] = splitStatements(preamble);
  if (!statement) return;
  throw invalidMigrations(
    `${describeLocation(preamble.file, statement.line)}: SQL above '-- migrate:up' belongs to no section`,
    { file: preamble.file, line: statement.line },
    {
      hint: "Move it below '-- migrate:up' (or below '-- migrate:down' if it undoes the migration).",
    },
  );
}

function irreversible(source: MigrationSource): MigrationRisk {
  const fix = isPairedFile(source.up.file)
    ? `add ${source.version}_${source.name}.down.sql that undoes it (an empty file marks an explicit no-op)`
    : "add a '-- migrate:down' section that undoes it (the marker alone marks an explicit no-op)";
  return {
    code: "IRREVERSIBLE",
    message: `${source.up.file} has no down section, so a rollback stops before it and an automatic rollback cannot undo it; ${fix}.`,
  };
}
