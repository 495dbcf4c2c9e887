import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { migrationChecksum } from "./checksum.ts";
import { invalidMigrations } from "./invalid-migrations.ts";
import type {
  Migration,
  MigrationManifest,
  MigrationRisk,
  MigrationSection,
  MigrationStatement,
  RiskCode,
  StatementKind,
  TransactionMode,
} from "./types.ts";

const STATEMENT_KINDS = Object.keys({
  ddl: true,
  dml: true,
  index: true,
  other: true,
} satisfies Record<StatementKind, true>) as StatementKind[];

const RISK_CODES = Object.keys({
  INDEX_WITHOUT_CONCURRENTLY: true,
  NOT_NULL_WITHOUT_DEFAULT: true,
  TABLE_REWRITE: true,
  DROP_COLUMN: true,
  DROP_TABLE: true,
  ACCESS_EXCLUSIVE_LOCK: true,
  IRREVERSIBLE: true,
} satisfies Record<RiskCode, true>) as RiskCode[];

const TRANSACTION_MODES: readonly TransactionMode[] = ["transaction", "none"];

const REBUILD_HINT =
  "Rebuild manifest.json from the migrations directory (`npm run build:lambdas`) and deploy it with the function.";

/**
 * Writes a manifest as JSON (atomically: readers never see half a file), creating the folder.
 *
 * @example
 * await writeManifest(await buildManifest("lambdas/migration/migrations"), "build/lambdas/migration/manifest.json");
 */
export async function writeManifest(manifest: MigrationManifest, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(partial, file);
}

/**
 * Reads and validates a `manifest.json` written by `writeManifest` (the Lambda does this at cold
 * start; it carries no SQL parser). Throws `INVALID_MIGRATIONS` naming the file and the first
 * offending field.
 *
 * @example
 * const manifest = await loadManifestFile(new URL("./manifest.json", import.meta.url).pathname);
 */
export async function loadManifestFile(file: string): Promise<MigrationManifest> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw invalidMigrations(
      `Cannot read the migration manifest ${file}: ${missing ? "it does not exist" : String(error)}`,
      { file },
      { hint: REBUILD_HINT, cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidMigrations(
      `The migration manifest ${file} is not valid JSON: ${(error as Error).message}`,
      { file },
      { hint: REBUILD_HINT, cause: error },
    );
  }
  return validateManifest(value, file);
}

/**
 * Checks that a value has the shape of a `MigrationManifest` (format 1), that versions ascend and
 * that each checksum matches its up section, and returns it typed. Throws `INVALID_MIGRATIONS`
 * naming `file` and the offending field, e.g. "migrations[2].up.transaction".
 *
 * @example
 * const manifest = validateManifest(JSON.parse(text), "manifest.json");
 */
export function validateManifest(value: unknown, file = "manifest.json"): MigrationManifest {
  const check = new ShapeChecker(file);
  const root = check.record(value, "the manifest");
  if (root.formatVersion !== 1) {
    check.fail("formatVersion", "1 (the format this code reads)", root.formatVersion);
  }
  const migrations = check
    .array(root.migrations, "migrations")
    .map((item, index) => readMigration(check, item, `migrations[${index}]`));
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && BigInt(previous.version) >= BigInt(migration.version)) {
      check.fail(
        `migrations[${index}].version`,
        `greater than the previous version ${previous.version}`,
        migration.version,
      );
    }
    if (migrationChecksum(migration.up.sql) !== migration.checksum) {
      check.fail(
        `migrations[${index}].checksum`,
        "the sha256 of its up section's SQL (the manifest was edited or corrupted)",
        migration.checksum,
      );
    }
  });
  return { formatVersion: 1, migrations };
}

function readMigration(check: ShapeChecker, value: unknown, at: string): Migration {
  const migration = check.record(value, at);
  return {
    version: check.matching(migration.version, `${at}.version`, /^\d+$/, "a string of digits"),
    name: check.string(migration.name, `${at}.name`),
    checksum: check.matching(
      migration.checksum,
      `${at}.checksum`,
      /^[0-9a-f]{64}$/,
      "a sha256 hex digest",
    ),
    up: readSection(check, migration.up, `${at}.up`),
    down: migration.down === null ? null : readSection(check, migration.down, `${at}.down`),
    kinds: check
      .array(migration.kinds, `${at}.kinds`)
      .map((kind, index) => check.oneOf(kind, `${at}.kinds[${index}]`, STATEMENT_KINDS)),
    risks: check
      .array(migration.risks, `${at}.risks`)
      .map((risk, index) => readRisk(check, risk, `${at}.risks[${index}]`)),
  };
}

function readSection(check: ShapeChecker, value: unknown, at: string): MigrationSection {
  const section = check.record(value, at);
  return {
    file: check.string(section.file, `${at}.file`),
    sql: check.string(section.sql, `${at}.sql`, { allowEmpty: true }),
    transaction: check.oneOf(section.transaction, `${at}.transaction`, TRANSACTION_MODES),
    statements: check
      .array(section.statements, `${at}.statements`)
      .map((statement, index) => readStatement(check, statement, `${at}.statements[${index}]`)),
  };
}

function readStatement(check: ShapeChecker, value: unknown, at: string): MigrationStatement {
  const statement = check.record(value, at);
  return {
    sql: check.string(statement.sql, `${at}.sql`),
    kind: check.oneOf(statement.kind, `${at}.kind`, STATEMENT_KINDS),
    line: check.line(statement.line, `${at}.line`),
  };
}

function readRisk(check: ShapeChecker, value: unknown, at: string): MigrationRisk {
  const risk = check.record(value, at);
  const code = check.oneOf(risk.code, `${at}.code`, RISK_CODES);
  const message = check.string(risk.message, `${at}.message`);
  return risk.line === undefined
    ? { code, message }
    : { code, message, line: check.line(risk.line, `${at}.line`) };
}

/** Field checks that fail with the manifest file, the field's path and what it holds. */
class ShapeChecker {
  constructor(private readonly file: string) {}

  fail(at: string, expected: string, got: unknown): never {
    throw invalidMigrations(
      `The migration manifest ${this.file} is invalid: ${at} must be ${expected}, got ${describeValue(got)}`,
      { file: this.file },
      { hint: REBUILD_HINT },
    );
  }

  record(value: unknown, at: string): Record<string, unknown> {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    return this.fail(at, "an object", value);
  }

  array(value: unknown, at: string): unknown[] {
    return Array.isArray(value) ? value : this.fail(at, "an array", value);
  }

  string(value: unknown, at: string, options: { allowEmpty?: boolean } = {}): string {
    if (typeof value === "string" && (options.allowEmpty || value !== "")) return value;
    return this.fail(at, options.allowEmpty ? "a string" : "a non-empty string", value);
  }

  matching(value: unknown, at: string, pattern: RegExp, expected: string): string {
    return typeof value === "string" && pattern.test(value)
      ? value
      : this.fail(at, expected, value);
  }

  oneOf<T extends string>(value: unknown, at: string, allowed: readonly T[]): T {
    return allowed.includes(value as T)
      ? (value as T)
      : this.fail(at, `one of ${allowed.join(" | ")}`, value);
  }

  line(value: unknown, at: string): number {
    return Number.isInteger(value) && (value as number) >= 1
      ? (value as number)
      : this.fail(at, "a line number (an integer ≥ 1)", value);
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}
