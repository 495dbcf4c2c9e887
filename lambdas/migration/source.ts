import { type Dirent, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { invalidMigrations } from "./invalid-migrations.ts";
import {
  readPairedSection,
  type SectionSource,
  type SourceText,
  splitSingleFileMigration,
} from "./sections.ts";

/** A migration as read from its file(s), before its SQL is parsed. */
export interface MigrationSource {
  /** Digits of the file name prefix, as written. */
  readonly version: string;
  readonly name: string;
  readonly up: SectionSource;
  readonly down: SectionSource | null;
  /** Text above `-- migrate:up` in a single-file migration, when not blank. */
  readonly preamble: SourceText | null;
}

type FileRole = "single" | "up" | "down";

interface MigrationFileName {
  readonly file: string;
  readonly version: string;
  readonly name: string;
  readonly role: FileRole;
}

interface MigrationFiles {
  readonly main: MigrationFileName;
  readonly down: MigrationFileName | null;
}

const MIGRATION_FILE_NAME = /^(\d+)_(.+?)(?:\.(up|down))?\.sql$/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads every migration of a directory, in both formats (single file with `-- migrate:up` /
 * `-- migrate:down` sections, or `.up.sql` / `.down.sql` pairs), ordered by numeric version.
 * Files not ending in `.sql` (README.md, …) and dot-files are ignored.
 * Throws `INVALID_MIGRATIONS` naming the file for anything that cannot be read unambiguously.
 *
 * @example
 * const sources = readMigrationSources("lambdas/migration/migrations");
 * sources[0].up.sql; // "CREATE TABLE accounts (…);\n"
 */
export function readMigrationSources(dir: string): MigrationSource[] {
  // Synchronous reads on purpose: the CLI reads every migration on every command, and hundreds of
  // small files read several times faster this way than through the libuv thread pool.
  const names = listSqlFiles(dir).map(parseMigrationFileName);
  return pairMigrationFiles(names).map((files) => readMigrationSource(dir, files));
}

function listSqlFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw invalidMigrations(
      `Cannot read the migrations directory ${dir}: ${describeFsError(error)}`,
      { file: dir },
      { hint: "Check the directory path (--dir) and its permissions.", cause: error },
    );
  }
  return entries
    .filter((entry) => !entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .filter((name) => name.toLowerCase().endsWith(".sql"))
    .sort();
}

function parseMigrationFileName(file: string): MigrationFileName {
  const match = MIGRATION_FILE_NAME.exec(file);
  if (!match?.[1] || !match[2]) {
    throw invalidMigrations(
      `${file}: a migration file name must start with its numeric version and an underscore`,
      { file },
      {
        hint: "Rename it like 20240101120000_create_users.sql (or .up.sql / .down.sql), or move it out of the migrations directory.",
      },
    );
  }
  const role = (match[3]?.toLowerCase() ?? "single") as FileRole;
  return { file, version: match[1], name: match[2], role };
}

/** Groups file names into migrations, rejecting duplicate versions and orphaned .down.sql files. */
function pairMigrationFiles(names: readonly MigrationFileName[]): MigrationFiles[] {
  const byVersion = new Map<bigint, MigrationFileName[]>();
  for (const name of names) {
    const version = BigInt(name.version);
    byVersion.set(version, [...(byVersion.get(version) ?? []), name]);
  }
  const versions = [...byVersion.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return versions.map((version) => {
    const group = byVersion.get(version) ?? [];
    const [main, other] = group.filter((name) => name.role !== "down");
    if (main && other) {
      throw invalidMigrations(
        `${main.file} and ${other.file} have the same version (${version}); each version must be used by one migration`,
        { file: other.file, files: [main.file, other.file] },
        { hint: `Give one of them a new, higher version, e.g. the current UTC timestamp.` },
      );
    }
    const downs = group.filter((name) => name.role === "down");
    for (const down of downs) {
      if (main?.role !== "up" || main.name !== down.name) throw orphanedDown(down);
    }
    // A group always has a main file here: a group of only .down.sql files threw above.
    return { main: main as MigrationFileName, down: downs[0] ?? null };
  });
}

function orphanedDown(down: MigrationFileName): Error {
  const expected = `${down.version}_${down.name}.up.sql`;
  return invalidMigrations(
    `${down.file} has no matching ${expected}; a .down.sql file only undoes its .up.sql`,
    { file: down.file },
    { hint: `Add ${expected}, or rename ${down.file} to match its .up.sql file.` },
  );
}

function readMigrationSource(dir: string, files: MigrationFiles): MigrationSource {
  const { main, down } = files;
  const identity = { version: main.version, name: main.name };
  if (main.role === "single") {
    return { ...identity, ...splitSingleFileMigration(main.file, readText(dir, main.file)) };
  }
  return {
    ...identity,
    up: readPairedSection(main.file, readText(dir, main.file)),
    down: down ? readPairedSection(down.file, readText(dir, down.file)) : null,
    preamble: null,
  };
}

function readText(dir: string, file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(dir, file));
  } catch (error) {
    throw invalidMigrations(
      `Cannot read ${file}: ${describeFsError(error)}`,
      { file },
      { cause: error },
    );
  }
  try {
    // Strips a leading byte-order mark, which some editors add.
    return utf8.decode(bytes);
  } catch (error) {
    throw invalidMigrations(
      `${file} is not valid UTF-8 text`,
      { file },
      {
        hint: "Save the file with UTF-8 encoding.",
        cause: error,
      },
    );
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "it does not exist";
  if (code === "ENOTDIR") return "it is not a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
