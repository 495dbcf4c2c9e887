import path from "node:path";
import type { CommandLine } from "./time-process.ts";

/** A migration tool under benchmark, run as its own process the way its users run it. */
export interface MigrationTool {
  readonly name: string;
  /** The table in which the tool records applied migrations (one row each). */
  readonly historyTable: string;
  /** Which of the generated directories the tool reads. */
  readonly format: "dbmate" | "node-pg-migrate";
  up(databaseUrl: string, migrationsDir: string): CommandLine;
  /** Undefined when the tool has no status command. */
  status?(databaseUrl: string, migrationsDir: string): CommandLine;
  /** The cheapest invocation (help or version): the process start-up cost alone. */
  startup(): CommandLine;
}

/** Where the tools' entry points live. */
export interface ToolPaths {
  readonly repoRoot: string;
}

/**
 * `ops` (this repository's CLI), dbmate and node-pg-migrate (their npm packages' bins).
 *
 * @example
 * const [ops, dbmate, nodePgMigrate] = migrationTools({ repoRoot: process.cwd() });
 */
export function migrationTools({ repoRoot }: ToolPaths): MigrationTool[] {
  const opsBin = path.join(repoRoot, "bin/ops.js");
  const dbmateBin = path.join(repoRoot, "node_modules/.bin/dbmate");
  const nodePgMigrateBin = path.join(
    repoRoot,
    "node_modules/node-pg-migrate/bin/node-pg-migrate.js",
  );
  const ops = (args: string[]): CommandLine => ({
    command: process.execPath,
    args: [opsBin, ...args],
  });
  const dbmate = (databaseUrl: string, dir: string, command: string): CommandLine => ({
    command: dbmateBin,
    args: [
      "--url",
      withSslDisabled(databaseUrl),
      "--migrations-dir",
      dir,
      "--no-dump-schema",
      command,
    ],
  });
  return [
    {
      name: "ops",
      historyTable: "ops_schema_migrations",
      format: "dbmate",
      up: (url, dir) => ops(["migrate", "up", "--dir", dir, "--database-url", url]),
      status: (url, dir) => ops(["migrate", "status", "--dir", dir, "--database-url", url]),
      startup: () => ops(["help"]),
    },
    {
      name: "dbmate",
      historyTable: "schema_migrations",
      format: "dbmate",
      up: (url, dir) => dbmate(url, dir, "up"),
      status: (url, dir) => dbmate(url, dir, "status"),
      startup: () => ({ command: dbmateBin, args: ["--version"] }),
    },
    {
      name: "node-pg-migrate",
      historyTable: "pgmigrations",
      format: "node-pg-migrate",
      // Its defaults: all pending migrations in one transaction, an advisory lock, order check.
      up: (url, dir) => ({
        command: process.execPath,
        args: [nodePgMigrateBin, "up", "-m", dir],
        env: { DATABASE_URL: url },
      }),
      startup: () => ({ command: process.execPath, args: [nodePgMigrateBin, "--help"] }),
    },
  ];
}

// dbmate's PostgreSQL driver asks for TLS unless told otherwise; the embedded server has none.
function withSslDisabled(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("sslmode", "disable");
  return url.toString();
}
