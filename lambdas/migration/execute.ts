import type pg from "pg";
import { isConnectionLost } from "./connection.ts";
import type { MigrationSession } from "./session.ts";
import type { MigrationSection, MigrationStatement } from "./types.ts";

/** A section failed: which statement (null: the bookkeeping or COMMIT), after how many others. */
export class SectionError extends Error {
  override readonly name = "SectionError";
  constructor(
    readonly section: MigrationSection,
    readonly statement: MigrationStatement | null,
    readonly statementsDone: number,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }

  /** SQLSTATE of the PostgreSQL error, when it is one. */
  get sqlState(): string | null {
    return (this.cause as { code?: string } | null)?.code ?? null;
  }

  get connectionLost(): boolean {
    return isConnectionLost(this.cause);
  }
}

const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Runs a section's statements one by one, then `bookkeeping` (history insert or delete): in one
 * transaction (BEGIN … bookkeeping; COMMIT), or, for `transaction: "none"`, each statement on its
 * own. A transaction that hits `lock_timeout` is rolled back and retried whole; a no-transaction
 * statement is retried alone unless it builds an index concurrently (a failed attempt may have
 * left an invalid index). Throws `SectionError`.
 *
 * @example
 * await runSection(session, migration.up, () => historyInsertSql(tables, migration, who));
 */
export async function runSection(
  session: MigrationSession,
  section: MigrationSection,
  bookkeeping: () => string,
): Promise<void> {
  if (section.transaction === "none") {
    await runWithoutTransaction(session, section, bookkeeping);
    return;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await runInTransaction(session.client, section, bookkeeping);
      return;
    } catch (error) {
      if (!(error instanceof SectionError) || !(await mayRetry(session, error, attempt)))
        throw error;
    }
  }
}

/**
 * Sends BEGIN, every statement and the bookkeeping + COMMIT back to back (the client pipelines
 * them: one round trip per migration). Inside the explicit transaction a failed statement makes
 * every later one fail with 25P02 and the COMMIT never runs, so the first failure is the one to
 * report, and ROLLBACK undoes everything.
 */
async function runInTransaction(
  client: pg.Client,
  section: MigrationSection,
  bookkeeping: () => string,
): Promise<void> {
  // Asynchronous commit halves the time of many small migrations (no WAL flush per migration)
  // and stays consistent: a crash loses whole transactions, data and history row together.
  // Every run ends with a synchronous commit (outcome, fingerprint) that flushes them all
  // before success is reported.
  const sent = [
    client.query("BEGIN; SET LOCAL synchronous_commit = off"),
    ...section.statements.map((statement) => client.query(statement.sql)),
    client.query(`${bookkeeping()}; COMMIT`),
  ];
  const settled = await Promise.allSettled(sent);
  const failed = settled.findIndex((outcome) => outcome.status === "rejected");
  if (failed === -1) return;
  const cause = (settled[failed] as PromiseRejectedResult).reason;
  if (!isConnectionLost(cause)) await client.query("ROLLBACK").catch(() => {});
  const statement = section.statements[failed - 1] ?? null;
  throw new SectionError(section, statement, Math.max(0, failed - 1), cause);
}

async function runWithoutTransaction(
  session: MigrationSession,
  section: MigrationSection,
  bookkeeping: () => string,
): Promise<void> {
  let done = 0;
  for (const statement of section.statements) {
    for (let attempt = 0; ; attempt++) {
      try {
        await session.client.query(statement.sql);
        break;
      } catch (cause) {
        const error = new SectionError(section, statement, done, cause);
        if (buildsIndexConcurrently(statement) || !(await mayRetry(session, error, attempt))) {
          throw error;
        }
      }
    }
    done++;
  }
  try {
    await session.client.query(bookkeeping());
  } catch (cause) {
    throw new SectionError(section, null, done, cause);
  }
}

function buildsIndexConcurrently(statement: MigrationStatement): boolean {
  return /\bCONCURRENTLY\b/i.test(statement.sql) && /\bINDEX\b/i.test(statement.sql);
}

/** Waits before a retry of a `lock_timeout` failure, if retries and time are left. */
async function mayRetry(
  session: MigrationSession,
  error: SectionError,
  attempt: number,
): Promise<boolean> {
  const { settings, ctx } = session;
  if (error.sqlState !== LOCK_NOT_AVAILABLE || attempt >= settings.lockTimeoutRetries) return false;
  const delay = settings.lockRetryBaseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
  if (ctx.remainingTimeMs() - delay < settings.safetyMarginMs) return false;
  ctx.progress(`Lock timeout in ${error.section.file}; retrying in ${Math.round(delay)} ms`, {
    file: error.section.file,
    attempt: attempt + 1,
  });
  await settings.sleep(delay);
  return true;
}
