import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildManifest,
  loadManifestFile,
  validateManifest,
  writeManifest,
} from "../../lambdas/migration/manifest.ts";
import type { Migration, MigrationManifest } from "../../lambdas/migration/types.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/migrations");
const EXAMPLES = path.resolve(import.meta.dirname, "../../lambdas/migration/migrations");

const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Writes `files` into a fresh directory and returns its path. */
async function migrationsDir(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ops-manifest-"));
  scratchDirs.push(dir);
  await Promise.all(
    Object.entries(files).map(([name, text]) => writeFile(path.join(dir, name), text)),
  );
  return dir;
}

/** Builds the manifest of one single-file migration whose up section is `upSql`. */
async function singleMigration(upSql: string, marker = "-- migrate:up"): Promise<Migration> {
  const dir = await migrationsDir({ "1_change.sql": `${marker}\n${upSql}\n-- migrate:down\n` });
  const [migration] = (await buildManifest(dir)).migrations;
  if (!migration) throw new Error("expected one migration");
  return migration;
}

/** Replaces the value at `keys` inside parsed JSON with `change(old value)`. */
function changeAt(
  json: unknown,
  keys: readonly (string | number)[],
  change: (old: unknown) => unknown,
): void {
  type Container = Record<string | number, unknown>;
  const parent = keys
    .slice(0, -1)
    .reduce((node: Container, key) => node[key] as Container, json as Container);
  const last = keys.at(-1) ?? "";
  parent[last] = change(parent[last]);
}

function byVersion(manifest: MigrationManifest, version: string): Migration {
  const migration = manifest.migrations.find((candidate) => candidate.version === version);
  if (!migration) throw new Error(`no migration ${version}`);
  return migration;
}

describe("buildManifest: reading a migrations directory", () => {
  it("reads single-file and paired migrations side by side, ordered numerically by version", async () => {
    // Prepare: versions 9, 10, 0011, 12, 100 sort differently as text.
    const dir = path.join(FIXTURES, "mixed-formats");

    // Act
    const manifest = await buildManifest(dir);

    // Assess
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.migrations.map(({ version, name }) => `${version} ${name}`)).toEqual([
      "9 create_widgets",
      "10 index_widget_labels",
      "0011 seed_widgets",
      "12 record_widget_owner",
      "100 create_gadgets",
    ]);
  });

  it("ignores files that are not .sql files and subdirectories", async () => {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

    const files = manifest.migrations.flatMap((m) => [m.up.file, m.down?.file]);
    expect(files).not.toContain("README.md");
    expect(manifest.migrations.map((m) => m.version)).not.toContain("1");
  });

  it("names each section's file and keeps its SQL as written, without the marker line", async () => {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

    const seed = byVersion(manifest, "0011");
    const index = byVersion(manifest, "10");
    expect(seed.up.file).toBe("0011_seed_widgets.sql");
    expect(seed.up.sql).toBe(
      "INSERT INTO widgets (id, label) VALUES (1, 'first'), (2, 'second');\nUPDATE widgets SET label = upper(label) WHERE id = 2;\n",
    );
    expect(index.up.file).toBe("10_index_widget_labels.up.sql");
    expect(index.down?.file).toBe("10_index_widget_labels.down.sql");
    expect(index.up.sql).toBe("CREATE INDEX CONCURRENTLY widgets_label_idx ON widgets (label);\n");
  });

  it.each([
    ["the up file of a pair starting with -- migrate:no-transaction", "10", "up", "none"],
    ["the down file of a pair starting with -- migrate:no-transaction", "10", "down", "none"],
    ["an unmarked single-file up section", "9", "up", "transaction"],
    ["an unmarked single-file down section", "9", "down", "transaction"],
    ["an unmarked paired file", "100", "up", "transaction"],
  ] as const)(
    "runs %s in the matching transaction mode",
    async (_shape, version, direction, mode) => {
      const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

      expect(byVersion(manifest, version)[direction]?.transaction).toBe(mode);
    },
  );

  it("runs a single-file section outside a transaction when its own marker says transaction:false", async () => {
    const dir = await migrationsDir({
      "1_reindex.sql":
        "-- migrate:up transaction:false\nREINDEX INDEX CONCURRENTLY a_idx;\n-- migrate:down\nSELECT 1;\n",
    });

    const [migration] = (await buildManifest(dir)).migrations;

    expect(migration?.up.transaction).toBe("none");
    expect(migration?.down?.transaction).toBe("transaction");
  });

  it.each([
    ["a single file without a down marker", "0011", "'-- migrate:down' section"],
    ["a .up.sql file without its .down.sql", "100", "100_create_gadgets.down.sql"],
  ])("treats %s as irreversible and says how to fix it", async (_shape, version, fix) => {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

    const migration = byVersion(manifest, version);
    expect(migration.down).toBeNull();
    const irreversible = migration.risks.filter((risk) => risk.code === "IRREVERSIBLE");
    expect(irreversible).toHaveLength(1);
    expect(irreversible[0]?.line).toBeUndefined();
    expect(irreversible[0]?.message).toContain(fix);
  });

  it("treats a down marker with nothing after it as an explicit no-op, not as irreversible", async () => {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

    const migration = byVersion(manifest, "12");
    expect(migration.down).toMatchObject({ sql: "", statements: [] });
    expect(migration.risks.map((risk) => risk.code)).not.toContain("IRREVERSIBLE");
  });

  it("reads a file that starts with a UTF-8 byte-order mark", async () => {
    const dir = await migrationsDir({
      "1_t.sql": `\uFEFF-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n`,
    });

    const [migration] = (await buildManifest(dir)).migrations;

    expect(migration?.up.statements).toEqual([
      { sql: "CREATE TABLE t (id int)", kind: "ddl", line: 2 },
    ]);
  });

  it("accepts an empty directory as an empty manifest", async () => {
    const manifest = await buildManifest(await migrationsDir({}));

    expect(manifest).toEqual({ formatVersion: 1, migrations: [] });
  });
});

describe("buildManifest: statements", () => {
  it("splits sections with PostgreSQL's parser, keeping semicolons inside strings and function bodies", async () => {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

    const statements = byVersion(manifest, "9").up.statements;
    expect(statements.map((statement) => statement.sql)).toEqual([
      "CREATE TABLE widgets (id bigint PRIMARY KEY, label text NOT NULL DEFAULT 'Grüße, 世界; 😀')",
      "COMMENT ON TABLE widgets IS 'Ünïcödé before the next statement; its line must still be right'",
      "CREATE FUNCTION widget_label(widget_id bigint) RETURNS text\nLANGUAGE plpgsql AS $$\nBEGIN\n  RETURN (SELECT label FROM widgets WHERE id = widget_id);\nEND;\n$$",
    ]);
  });

  it("records each statement's line in the file, after non-ASCII text and a header comment", async () => {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));

    expect(byVersion(manifest, "9").up.statements.map((statement) => statement.line)).toEqual([
      4, 5, 7,
    ]);
    expect(byVersion(manifest, "9").down?.statements.map((statement) => statement.line)).toEqual([
      15, 16,
    ]);
    expect(byVersion(manifest, "10").up.statements[0]?.line).toBe(2);
  });

  it.each([
    ["CREATE INDEX users_email_idx ON users (email)", "index"],
    ["CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)", "index"],
    ["DROP INDEX users_email_idx", "index"],
    ["REINDEX TABLE users", "index"],
    ["CREATE TABLE t (id int)", "ddl"],
    ["ALTER TABLE users ADD COLUMN bio text", "ddl"],
    ["DROP TABLE users", "ddl"],
    ["CREATE TYPE mood AS ENUM ('ok')", "ddl"],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "ddl"],
    ["CREATE VIEW v AS SELECT 1", "ddl"],
    ["CREATE EXTENSION IF NOT EXISTS pgcrypto", "ddl"],
    ["CREATE SEQUENCE s", "ddl"],
    ["CREATE SCHEMA app", "ddl"],
    ["COMMENT ON TABLE users IS 'people'", "ddl"],
    ["GRANT SELECT ON users TO reporting", "ddl"],
    ["SELECT 1 INTO copy_of_one", "ddl"],
    ["INSERT INTO users (email) VALUES ('a@example.com')", "dml"],
    ["UPDATE users SET email = lower(email)", "dml"],
    ["DELETE FROM users WHERE id = 1", "dml"],
    ["COPY users FROM STDIN", "dml"],
    ["MERGE INTO users u USING staged s ON u.id = s.id WHEN MATCHED THEN DELETE", "dml"],
    ["SELECT count(*) FROM users", "dml"],
    ["SET search_path TO app", "other"],
    ["DO $$ BEGIN PERFORM 1; END $$", "other"],
    ["ANALYZE users", "other"],
  ])("classifies %s as %s", async (sql, kind) => {
    const migration = await singleMigration(`${sql};`, "-- migrate:up transaction:false");

    expect(migration.up.statements.map((statement) => statement.kind)).toEqual([kind]);
  });

  it("lists a migration's distinct kinds in first-seen order", async () => {
    const migration = await singleMigration(
      "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\nCREATE INDEX t_id_idx ON t (id);\nINSERT INTO t VALUES (2);",
    );

    expect(migration.kinds).toEqual(["ddl", "dml", "index"]);
  });
});

describe("buildManifest: checksum", () => {
  const up = "CREATE TABLE t (id int);\n";

  it("is the sha256 of the up section's SQL", async () => {
    const migration = await singleMigration("CREATE TABLE t (id int);");

    expect(migration.checksum).toBe(createHash("sha256").update(up).digest("hex"));
  });

  it("does not change when line endings change from LF to CRLF", async () => {
    const text = `-- migrate:up\n${up}-- migrate:down\nDROP TABLE t;\n`;
    const lf = await buildManifest(await migrationsDir({ "1_t.sql": text }));
    const crlf = await buildManifest(
      await migrationsDir({ "1_t.sql": text.replaceAll("\n", "\r\n") }),
    );

    expect(crlf.migrations[0]?.checksum).toBe(lf.migrations[0]?.checksum);
  });

  it("changes when the up section changes, and not when only the down section does", async () => {
    const original = await singleMigration("CREATE TABLE t (id int);");
    const editedUp = await singleMigration("CREATE TABLE t (id bigint);");
    const editedDown = await buildManifest(
      await migrationsDir({ "1_change.sql": `-- migrate:up\n${up}-- migrate:down\nSELECT 1;\n` }),
    );

    expect(editedUp.checksum).not.toBe(original.checksum);
    expect(editedDown.migrations[0]?.checksum).toBe(original.checksum);
  });
});

describe("buildManifest: risk warnings", () => {
  it.each([
    ["CREATE INDEX users_email_idx ON users (email)", ["INDEX_WITHOUT_CONCURRENTLY"]],
    ["REINDEX TABLE users", ["INDEX_WITHOUT_CONCURRENTLY"]],
    [
      "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL",
      ["NOT_NULL_WITHOUT_DEFAULT", "ACCESS_EXCLUSIVE_LOCK"],
    ],
    [
      "ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()",
      ["TABLE_REWRITE", "ACCESS_EXCLUSIVE_LOCK"],
    ],
    ["ALTER TABLE users ADD COLUMN seq bigserial", ["TABLE_REWRITE", "ACCESS_EXCLUSIVE_LOCK"]],
    ["ALTER TABLE users ALTER COLUMN id TYPE bigint", ["TABLE_REWRITE", "ACCESS_EXCLUSIVE_LOCK"]],
    ["ALTER TABLE users DROP COLUMN bio", ["DROP_COLUMN", "ACCESS_EXCLUSIVE_LOCK"]],
    ["DROP TABLE users", ["DROP_TABLE", "ACCESS_EXCLUSIVE_LOCK"]],
    ["DROP INDEX users_email_idx", ["ACCESS_EXCLUSIVE_LOCK"]],
    ["TRUNCATE users", ["ACCESS_EXCLUSIVE_LOCK"]],
    ["CLUSTER users USING users_pkey", ["ACCESS_EXCLUSIVE_LOCK"]],
    ["REFRESH MATERIALIZED VIEW user_counts", ["ACCESS_EXCLUSIVE_LOCK"]],
    ["LOCK TABLE users", ["ACCESS_EXCLUSIVE_LOCK"]],
    ["ALTER TABLE users RENAME COLUMN bio TO about", ["ACCESS_EXCLUSIVE_LOCK"]],
  ])("warns about %s on an existing table", async (sql, codes) => {
    const migration = await singleMigration(`${sql};`);

    expect(migration.risks.map((risk) => risk.code)).toEqual(codes);
  });

  it.each([
    ["ALTER TABLE users ADD COLUMN bio text", ["ACCESS_EXCLUSIVE_LOCK"]],
    [
      "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true",
      ["ACCESS_EXCLUSIVE_LOCK"],
    ],
    ["ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT now()", ["ACCESS_EXCLUSIVE_LOCK"]],
    [
      "ALTER TABLE users ADD CONSTRAINT users_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID",
      [],
    ],
    ["ALTER TABLE users VALIDATE CONSTRAINT users_account_fk", []],
    ["REFRESH MATERIALIZED VIEW CONCURRENTLY user_counts", []],
    ["LOCK TABLE users IN SHARE MODE", []],
    ["INSERT INTO users (email) VALUES ('a@example.com')", []],
  ])("does not overstate %s", async (sql, codes) => {
    const migration = await singleMigration(`${sql};`);

    expect(migration.risks.map((risk) => risk.code)).toEqual(codes);
  });

  it("warns about VACUUM FULL, which must run outside a transaction", async () => {
    const migration = await singleMigration(
      "VACUUM FULL users;",
      "-- migrate:up transaction:false",
    );

    expect(migration.risks.map((risk) => risk.code)).toEqual(["ACCESS_EXCLUSIVE_LOCK"]);
  });

  it("does not warn about CREATE INDEX CONCURRENTLY in a migration outside a transaction", async () => {
    const migration = await singleMigration(
      "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      "-- migrate:up transaction:false",
    );

    expect(migration.risks).toEqual([]);
  });

  it("does not warn about statements on a table the same migration created", async () => {
    const migration = await singleMigration(
      [
        "CREATE TABLE app.events (id bigint, kind text);",
        "CREATE INDEX events_kind_idx ON app.events (kind);",
        "ALTER TABLE app.events ADD COLUMN actor bigint NOT NULL;",
        "ALTER TABLE app.events ALTER COLUMN id TYPE numeric;",
        "CREATE TABLE audit (id int);",
        "CREATE INDEX audit_id_idx ON public.audit (id);",
      ].join("\n"),
    );

    expect(migration.risks).toEqual([]);
  });

  it("gives each warning the line of its statement and a message that says what to do", async () => {
    const dir = await migrationsDir({
      "1_index_users.sql":
        "-- Index users by email.\n-- migrate:up\nSELECT 1;\n\nCREATE INDEX users_email_idx\n  ON users (email);\n-- migrate:down\nDROP INDEX users_email_idx;\n",
    });

    const [migration] = (await buildManifest(dir)).migrations;

    expect(migration?.risks).toEqual([
      {
        code: "INDEX_WITHOUT_CONCURRENTLY",
        line: 5,
        message: expect.stringContaining(
          "CREATE INDEX CONCURRENTLY in a migration of its own marked '-- migrate:up transaction:false'",
        ),
      },
    ]);
  });

  it("says that an ACCESS EXCLUSIVE lock is held until commit when other statements share the transaction", async () => {
    const alone = await singleMigration("ALTER TABLE users ADD COLUMN bio text;");
    const shared = await singleMigration(
      "ALTER TABLE users ADD COLUMN bio text;\nUPDATE users SET bio = '';",
    );

    expect(alone.risks[0]?.message).not.toContain("until the migration commits");
    expect(shared.risks[0]).toMatchObject({
      code: "ACCESS_EXCLUSIVE_LOCK",
      line: 2,
      message: expect.stringContaining(
        "holds it until the migration commits because another statement shares its transaction; move it to a migration of its own",
      ),
    });
  });

  it("does not say the lock is held until commit for a migration outside a transaction", async () => {
    const migration = await singleMigration(
      "ALTER TABLE users ADD COLUMN bio text;\nUPDATE users SET bio = '';",
      "-- migrate:up transaction:false",
    );

    expect(migration.risks[0]?.message).not.toContain("until the migration commits");
  });
});

describe("buildManifest: malformed migrations", () => {
  it.each([
    [
      "missing-up-marker",
      "20240101120000_create_users.sql",
      undefined,
      "no '-- migrate:up' marker",
    ],
    [
      "duplicate-version",
      "20240101120000_create_billing.up.sql",
      undefined,
      "20240101120000_create_accounts.sql and 20240101120000_create_billing.up.sql have the same version",
    ],
    [
      "duplicate-version-leading-zero",
      "20240101120000_create_accounts.sql",
      undefined,
      "020240101120000_create_billing.up.sql and 20240101120000_create_accounts.sql have the same version",
    ],
    ["non-numeric-prefix", "v2_create_b.sql", undefined, "must start with its numeric version"],
    ["orphaned-down", "2_create_b.down.sql", undefined, "has no matching 2_create_b.up.sql"],
    ["syntax-error", "1_create_accounts.sql", 6, 'syntax error at or near "SELEC"'],
    [
      "concurrently-in-transaction",
      "1_index_users_email.sql",
      2,
      "add transaction:false to its marker: '-- migrate:up transaction:false'",
    ],
    [
      "concurrently-in-paired-transaction",
      "1_index_users_email.up.sql",
      2,
      "start 1_index_users_email.up.sql with the line '-- migrate:no-transaction'",
    ],
    ["commit-in-transaction", "1_create_a.sql", 3, "COMMIT would end the transaction"],
    ["sql-above-up-marker", "1_create_a.sql", 2, "SQL above '-- migrate:up' belongs to no section"],
    ["unknown-marker", "1_create_a.sql", 1, "unknown option 'transactions:false'"],
    ["down-before-up", "1_create_a.sql", 1, "'-- migrate:down' comes before '-- migrate:up'"],
    ["not-utf8", "1_seed_a.sql", undefined, "is not valid UTF-8"],
  ])("rejects %s, naming the file and line", async (fixture, file, line, problem) => {
    const building = buildManifest(path.join(FIXTURES, fixture));

    const location = line === undefined ? file : `${file}:${line}`;
    await expect(building).rejects.toMatchObject({
      name: "OpsError",
      code: "INVALID_MIGRATIONS",
      details: line === undefined ? { file } : { file, line },
      message: expect.stringContaining(location),
    });
    await expect(building).rejects.toThrow(problem);
  });

  it.each([
    [
      "a second up marker",
      { "1_t.sql": "-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n" },
      "1_t.sql:3: a second '-- migrate:up' marker",
    ],
    [
      "a dbmate marker in a paired file",
      { "1_t.up.sql": "SELECT 1;\n-- migrate:down\nSELECT 2;\n" },
      "1_t.up.sql:2: '-- migrate:down' does not belong in a .up.sql/.down.sql file",
    ],
    [
      "-- migrate:no-transaction below the first line",
      { "1_t.up.sql": "-- Build the index.\n-- migrate:no-transaction\nSELECT 1;\n" },
      "1_t.up.sql:2: '-- migrate:no-transaction' must be the file's first line",
    ],
    [
      "-- migrate:no-transaction in a single file",
      { "1_t.sql": "-- migrate:no-transaction\n-- migrate:up\nSELECT 1;\n" },
      "1_t.sql:1: unknown marker '-- migrate:no-transaction'; in a single-file migration write '-- migrate:up transaction:false' instead",
    ],
  ])("rejects %s, naming file and line", async (_case, files, problem) => {
    const dir = await migrationsDir(files);

    await expect(buildManifest(dir)).rejects.toThrow(problem);
  });

  it("names both files of a duplicate version in details", async () => {
    await expect(buildManifest(path.join(FIXTURES, "duplicate-version"))).rejects.toMatchObject({
      details: {
        files: ["20240101120000_create_accounts.sql", "20240101120000_create_billing.up.sql"],
      },
    });
  });

  it.each([
    ["DROP INDEX CONCURRENTLY users_email_idx;", "DROP INDEX CONCURRENTLY"],
    ["REINDEX INDEX CONCURRENTLY users_email_idx;", "REINDEX CONCURRENTLY"],
    ["VACUUM users;", "VACUUM"],
  ])("rejects %s in a section that runs in a transaction", async (sql, statement) => {
    const dir = await migrationsDir({ "1_maintain.sql": `-- migrate:up\n${sql}\n` });

    await expect(buildManifest(dir)).rejects.toThrow(
      `1_maintain.sql:2: ${statement} cannot run inside a transaction block`,
    );
  });

  it("rejects CONCURRENTLY in a down section that runs in a transaction, naming its marker", async () => {
    const dir = await migrationsDir({
      "1_index.sql":
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY a_idx ON a (id);\n-- migrate:down\nDROP INDEX CONCURRENTLY a_idx;\n",
    });

    await expect(buildManifest(dir)).rejects.toMatchObject({
      details: { file: "1_index.sql", line: 4 },
      message: expect.stringContaining("'-- migrate:down transaction:false'"),
    });
  });

  it.each([
    ["the migrations directory does not exist", "does-not-exist", "it does not exist"],
    ["the path is a file", "mixed-formats/9_create_widgets.sql", "it is not a directory"],
  ])("rejects a directory that cannot be read: %s", async (_case, relative, reason) => {
    const dir = path.join(FIXTURES, relative);

    await expect(buildManifest(dir)).rejects.toMatchObject({
      code: "INVALID_MIGRATIONS",
      details: { file: dir },
      message: expect.stringContaining(`Cannot read the migrations directory ${dir}: ${reason}`),
    });
  });
});

describe("manifest.json", () => {
  async function builtManifestFile(): Promise<{ manifest: MigrationManifest; file: string }> {
    const manifest = await buildManifest(path.join(FIXTURES, "mixed-formats"));
    const file = path.join(await migrationsDir({}), "build", "manifest.json");
    await writeManifest(manifest, file);
    return { manifest, file };
  }

  it("loads back exactly what was written", async () => {
    const { manifest, file } = await builtManifestFile();

    await expect(loadManifestFile(file)).resolves.toEqual(manifest);
  });

  it.each([
    ["formatVersion", ["formatVersion"], () => 2, "formatVersion must be 1"],
    ["migrations", ["migrations"], () => undefined, "migrations must be an array, got nothing"],
    [
      "statement kind",
      ["migrations", 0, "up", "statements", 0, "kind"],
      () => "query",
      "migrations[0].up.statements[0].kind must be one of ddl | dml | index | other",
    ],
    [
      "transaction mode",
      ["migrations", 1, "up", "transaction"],
      () => false,
      "migrations[1].up.transaction must be one of transaction | none, got false",
    ],
    [
      "risk code",
      ["migrations", 2, "risks", 0, "code"],
      () => "SCARY",
      "migrations[2].risks[0].code must be one of",
    ],
    [
      "line number",
      ["migrations", 0, "up", "statements", 0, "line"],
      () => 0,
      "migrations[0].up.statements[0].line must be a line number",
    ],
    [
      "checksum (the SQL was edited)",
      ["migrations", 0, "up", "sql"],
      (sql: unknown) => `${sql}DROP TABLE widgets;`,
      "migrations[0].checksum must be the sha256 of its up section's SQL",
    ],
    [
      "version order",
      ["migrations"],
      (migrations: unknown) => [...(migrations as unknown[])].reverse(),
      'migrations[1].version must be greater than the previous version 100, got "12"',
    ],
  ] as const)(
    "rejects a manifest with a bad %s, naming the field",
    async (_field, keys, change, problem) => {
      // Prepare
      const { file } = await builtManifestFile();
      const json: unknown = JSON.parse(await readFile(file, "utf8"));
      changeAt(json, keys, change);
      await writeFile(file, JSON.stringify(json));

      // Act
      const loading = loadManifestFile(file);

      // Assess
      await expect(loading).rejects.toMatchObject({
        code: "INVALID_MIGRATIONS",
        details: { file },
      });
      await expect(loading).rejects.toThrow(
        `The migration manifest ${file} is invalid: ${problem}`,
      );
    },
  );

  it("rejects a file that is not JSON", async () => {
    const dir = await migrationsDir({ "manifest.json": "{ formatVersion: 1" });

    await expect(loadManifestFile(path.join(dir, "manifest.json"))).rejects.toThrow(
      /manifest\.json is not valid JSON/,
    );
  });

  it("rejects a missing manifest file, saying how to build one", async () => {
    const file = path.join(await migrationsDir({}), "manifest.json");

    await expect(loadManifestFile(file)).rejects.toMatchObject({
      code: "INVALID_MIGRATIONS",
      message: `Cannot read the migration manifest ${file}: it does not exist`,
      hint: expect.stringContaining("npm run build:lambdas"),
    });
  });

  it("validates a manifest that is already in memory", () => {
    expect(() => validateManifest({ formatVersion: 1, migrations: {} }, "bundled")).toThrow(
      "The migration manifest bundled is invalid: migrations must be an array, got {}",
    );
  });
});

describe("the example migrations", () => {
  it("build without errors, every one reversible, in both formats", async () => {
    const manifest = await buildManifest(EXAMPLES);

    const files = manifest.migrations.map((migration) => migration.up.file);
    expect(manifest.migrations.length).toBeGreaterThanOrEqual(6);
    expect(manifest.migrations.every((migration) => migration.down !== null)).toBe(true);
    expect(files.some((file) => file.endsWith(".up.sql"))).toBe(true);
    expect(files.some((file) => !file.endsWith(".up.sql"))).toBe(true);
  });

  it("hold exactly one CREATE INDEX CONCURRENTLY migration, marked to run outside a transaction", async () => {
    const manifest = await buildManifest(EXAMPLES);

    const concurrent = manifest.migrations.filter((migration) =>
      migration.up.statements.some((statement) => statement.sql.includes("CONCURRENTLY")),
    );
    expect(concurrent.map((migration) => migration.up.transaction)).toEqual(["none"]);
    expect(concurrent[0]?.down?.transaction).toBe("none");
  });

  it("hold a data migration and warn only about one brief ACCESS EXCLUSIVE lock", async () => {
    const manifest = await buildManifest(EXAMPLES);

    expect(manifest.migrations.some((migration) => migration.kinds.includes("dml"))).toBe(true);
    expect(manifest.migrations.flatMap((migration) => migration.risks.map((r) => r.code))).toEqual([
      "ACCESS_EXCLUSIVE_LOCK",
    ]);
  });
});
