import { describe, expect, it } from "vitest";
import { createTestDatabase, withClient } from "../helpers/database.ts";

describe("test database", () => {
  it("is a fresh, empty PostgreSQL database", async () => {
    const url = await createTestDatabase();
    const tables = await withClient(url, (client) =>
      client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'"),
    );
    expect(tables.rows[0].n).toBe(0);
  });
});
