import type { Node } from "libpg-query";
import { describeLocation, invalidMigrations } from "./invalid-migrations.ts";
import type { SourceText } from "./sections.ts";

/** A statement as the PostgreSQL parser split it, with its parse tree. */
export interface ParsedStatement {
  /** The statement's text, without its terminating semicolon. */
  readonly sql: string;
  /** 1-based line in the file where the statement starts. */
  readonly line: number;
  readonly node: Node;
}

type PgQuery = typeof import("libpg-query");
let pgQuery: PgQuery | undefined;

/**
 * Loads the PostgreSQL parser (WebAssembly). Call once before `splitStatements`; later calls
 * return at once. Imported lazily so that code reading a built manifest never loads it.
 *
 * @example
 * await loadSqlParser();
 * splitStatements({ file: "x.sql", sql: "SELECT 1;", firstLine: 1 });
 */
export async function loadSqlParser(): Promise<void> {
  if (pgQuery) return;
  const module = await import("libpg-query");
  await module.loadModule();
  pgQuery = module;
}

/**
 * Splits SQL into statements with PostgreSQL's own parser, so semicolons inside strings,
 * dollar-quoted function bodies and comments are handled exactly as the server would.
 * Throws `INVALID_MIGRATIONS` naming the file and line when the SQL does not parse.
 *
 * @example
 * splitStatements({ file: "1_t.sql", sql: "CREATE TABLE t ();\nINSERT INTO t DEFAULT VALUES;", firstLine: 2 });
 * // → [{ sql: "CREATE TABLE t ()", line: 2, node: { CreateStmt: … } },
 * //    { sql: "INSERT INTO t DEFAULT VALUES", line: 3, node: { InsertStmt: … } }]
 */
export function splitStatements(source: SourceText): ParsedStatement[] {
  if (!pgQuery) throw new Error("The SQL parser is not loaded: await loadSqlParser() first.");
  if (source.sql.trim() === "") return [];
  let parsed: ReturnType<PgQuery["parseSync"]>;
  try {
    parsed = pgQuery.parseSync(source.sql);
  } catch (error) {
    throw parseError(pgQuery, source, error);
  }
  // The parser reports statement locations in bytes of the UTF-8 encoding.
  const bytes = Buffer.from(source.sql, "utf8");
  const statements: ParsedStatement[] = [];
  let line = source.firstLine;
  let counted = 0;
  for (const raw of parsed.stmts ?? []) {
    if (!raw.stmt) continue;
    const start = raw.stmt_location ?? 0;
    // A length of 0 (absent) means "to the end of the input".
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    for (; counted < start; counted++) if (bytes[counted] === 0x0a) line++;
    statements.push({ sql: bytes.toString("utf8", start, end).trimEnd(), line, node: raw.stmt });
  }
  return statements;
}

function parseError(pg: PgQuery, source: SourceText, error: unknown): Error {
  if (!pg.hasSqlDetails(error)) return error instanceof Error ? error : new Error(String(error));
  const cursor = error.sqlDetails?.cursorPosition ?? 0;
  const line = source.firstLine + newlinesBefore(source.sql, cursor);
  return invalidMigrations(
    `${describeLocation(source.file, line)}: ${error.message}`,
    { file: source.file, line },
    {
      hint: "Fix the SQL at that line; it is checked with PostgreSQL's own parser.",
      cause: error,
    },
  );
}

/** Line breaks before a position counted in characters (code points), as the parser reports. */
function newlinesBefore(text: string, codePoints: number): number {
  let newlines = 0;
  let seen = 0;
  for (const character of text) {
    if (seen++ >= codePoints) break;
    if (character === "\n") newlines++;
  }
  return newlines;
}
