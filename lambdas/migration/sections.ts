import { describeLocation, invalidMigrations } from "./invalid-migrations.ts";
import type { TransactionMode } from "./types.ts";

/** A stretch of a migration file's text and where it starts. */
export interface SourceText {
  /** File name relative to the migrations directory. */
  readonly file: string;
  /** The text exactly as written, marker lines excluded. */
  readonly sql: string;
  /** 1-based line of the file on which `sql` starts. */
  readonly firstLine: number;
}

/** One section (up or down) of a migration, before parsing. */
export interface SectionSource extends SourceText {
  readonly transaction: TransactionMode;
}

/** The sections of a single-file (dbmate-style) migration. */
export interface SingleFileSections {
  /** Text above `-- migrate:up`, when not blank: may hold comments, never statements. */
  readonly preamble: SourceText | null;
  readonly up: SectionSource;
  readonly down: SectionSource | null;
}

/** A `-- migrate:…` line. */
interface Marker {
  readonly command: string;
  readonly options: readonly string[];
  /** 1-based line number. */
  readonly line: number;
  /** Offset of the first character of the marker line. */
  readonly start: number;
  /** Offset just past the marker line and its line break. */
  readonly end: number;
}

const MARKER_LINE = /^--\s*migrate:(\S*)(.*)$/;

/**
 * Splits a single-file migration into its `-- migrate:up` and `-- migrate:down` sections.
 * `-- migrate:up transaction:false` runs a section outside a transaction; a missing down marker
 * makes the migration irreversible (`down: null`); a down marker with nothing after it is a no-op.
 *
 * @example
 * const { up, down } = splitSingleFileMigration("20240101120000_users.sql",
 *   "-- migrate:up\nCREATE TABLE users ();\n-- migrate:down\nDROP TABLE users;\n");
 * // up.sql === "CREATE TABLE users ();\n", up.firstLine === 2, down.firstLine === 4
 */
export function splitSingleFileMigration(file: string, text: string): SingleFileSections {
  let up: Marker | undefined;
  let down: Marker | undefined;
  for (const marker of findMarkers(text)) {
    const at = describeLocation(file, marker.line);
    if (marker.command === "up") {
      if (up) throw markerError(`${at}: a second '-- migrate:up' marker`, file, marker.line);
      up = marker;
    } else if (marker.command === "down") {
      if (!up) {
        throw markerError(
          `${at}: '-- migrate:down' comes before '-- migrate:up'`,
          file,
          marker.line,
        );
      }
      if (down) throw markerError(`${at}: a second '-- migrate:down' marker`, file, marker.line);
      down = marker;
    } else {
      const suggestion =
        marker.command === "no-transaction"
          ? "in a single-file migration write '-- migrate:up transaction:false' instead"
          : "expected '-- migrate:up' or '-- migrate:down'";
      throw markerError(
        `${at}: unknown marker '-- migrate:${marker.command}'; ${suggestion}`,
        file,
        marker.line,
      );
    }
  }
  if (!up) {
    throw invalidMigrations(
      `${file} has no '-- migrate:up' marker`,
      { file },
      {
        hint: "Add a '-- migrate:up' line above the SQL that applies the migration (and '-- migrate:down' above the SQL that undoes it), or split it into .up.sql/.down.sql files.",
      },
    );
  }
  const preambleSql = text.slice(0, up.start);
  return {
    preamble: preambleSql.trim() === "" ? null : { file, sql: preambleSql, firstLine: 1 },
    up: sectionAfter(up, down?.start ?? text.length, file, text),
    down: down ? sectionAfter(down, text.length, file, text) : null,
  };
}

/**
 * Reads one file of a paired (`.up.sql` / `.down.sql`) migration: the whole file is the section;
 * a first line `-- migrate:no-transaction` runs it outside a transaction.
 *
 * @example
 * readPairedSection("20240101120000_idx.up.sql", "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY …;\n");
 * // → { transaction: "none", firstLine: 2, sql: "CREATE INDEX CONCURRENTLY …;\n", … }
 */
export function readPairedSection(file: string, text: string): SectionSource {
  let noTransaction: Marker | undefined;
  for (const marker of findMarkers(text)) {
    const at = describeLocation(file, marker.line);
    if (marker.command === "no-transaction" && marker.line === 1 && marker.options.length === 0) {
      noTransaction = marker;
    } else if (marker.command === "no-transaction") {
      throw markerError(
        `${at}: '-- migrate:no-transaction' must be the file's first line, on its own`,
        file,
        marker.line,
      );
    } else {
      throw markerError(
        `${at}: '-- migrate:${marker.command}' does not belong in a .up.sql/.down.sql file, which holds one section; the only marker there is a first line '-- migrate:no-transaction'`,
        file,
        marker.line,
      );
    }
  }
  if (noTransaction) {
    return { file, sql: text.slice(noTransaction.end), firstLine: 2, transaction: "none" };
  }
  return { file, sql: text, firstLine: 1, transaction: "transaction" };
}

function sectionAfter(marker: Marker, end: number, file: string, text: string): SectionSource {
  return {
    file,
    sql: text.slice(marker.end, end),
    firstLine: marker.line + 1,
    transaction: transactionModeOf(marker, file),
  };
}

function transactionModeOf(marker: Marker, file: string): TransactionMode {
  let mode: TransactionMode = "transaction";
  for (const option of marker.options) {
    if (option === "transaction:false") mode = "none";
    else if (option === "transaction:true") mode = "transaction";
    else {
      throw markerError(
        `${describeLocation(file, marker.line)}: unknown option '${option}' on '-- migrate:${marker.command}'; the only option is transaction:false`,
        file,
        marker.line,
      );
    }
  }
  return mode;
}

function* findMarkers(text: string): Generator<Marker> {
  let start = 0;
  for (let line = 1; start < text.length; line++) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline + 1;
    // Cheap check first: most lines are SQL, not comments.
    if (text.startsWith("--", start)) {
      const match = MARKER_LINE.exec(text.slice(start, end).trimEnd());
      if (match) {
        const options = (match[2] ?? "").split(/\s+/).filter((option) => option !== "");
        yield { command: match[1] ?? "", options, line, start, end };
      }
    }
    start = end;
  }
}

function markerError(message: string, file: string, line: number) {
  return invalidMigrations(
    message,
    { file, line },
    {
      hint: "Single-file migrations use '-- migrate:up [transaction:false]' and '-- migrate:down [transaction:false]' lines; .up.sql/.down.sql files may start with '-- migrate:no-transaction'.",
    },
  );
}

/** Which section of a migration: the one that applies it, or the one that undoes it. */
export type SectionDirection = "up" | "down";

/**
 * Whether `file` is one half of a `.up.sql` / `.down.sql` pair (rather than a single file).
 *
 * @example
 * isPairedFile("20240101120000_users.up.sql"); // true
 */
export function isPairedFile(file: string): boolean {
  const lower = file.toLowerCase();
  return lower.endsWith(".up.sql") || lower.endsWith(".down.sql");
}

/**
 * How to mark a section of this file's format to run outside a transaction, for messages.
 *
 * @example
 * noTransactionMarker("20240101120000_idx.sql", "up"); // "'-- migrate:up transaction:false'"
 */
export function noTransactionMarker(file: string, direction: SectionDirection): string {
  return isPairedFile(file)
    ? "'-- migrate:no-transaction' as the first line"
    : `'-- migrate:${direction} transaction:false'`;
}
