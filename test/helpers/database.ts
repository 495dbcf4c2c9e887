import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDatabase } from "../../cli/local/embedded-postgres.ts";

/**
 * Creates a fresh, empty database on the test run's server and returns its URL.
 * Each test file (or test) that changes schema should use its own.
 *
 * @example
 * const url = await createTestDatabase();
 */
export function createTestDatabase(): Promise<string> {
  return createDatabase(inject("pgAdminUrl"), `t_${randomBytes(6).toString("hex")}`);
}

/** Runs `fn` with a connected client and closes it afterwards. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
