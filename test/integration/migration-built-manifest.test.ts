import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import {
  applyPendingMigrations,
  describeSchema,
  rollbackMigrations,
} from "../../lambdas/migration/engine.ts";
import { buildManifest } from "../../lambdas/migration/manifest.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { options } from "../helpers/engine.ts";

const FILES: Record<string, string> = {
  "20240101120000_create_users.sql": `-- migrate:up
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);
INSERT INTO users (email) VALUES ('first@example.com');

-- migrate:down
DROP TABLE users;
`,
  "20240102120000_index_users_email.up.sql": `-- migrate:no-transaction
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
`,
  "20240102120000_index_users_email.down.sql": `-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_email_idx;
`,
  "20240103120000_add_nickname.sql": `-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
`,
};

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ops-migrations-"));
  await Promise.all(
    Object.entries(FILES).map(([name, text]) => writeFile(path.join(dir, name), text)),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the engine on a manifest built from migration files", () => {
  it("applies both file formats, rolls everything back and re-applies to an identical schema", async () => {
    const url = await createTestDatabase();
    const manifest = await buildManifest(dir);
    const empty = await withClient(url, (client) => describeSchema(client));

    const applied = await applyPendingMigrations(manifest, options(url), createTestContext());
    const migrated = await withClient(url, (client) => describeSchema(client));
    await rollbackMigrations(manifest, options(url, { to: "0" }), createTestContext());
    const rolledBack = await withClient(url, (client) => describeSchema(client));
    await applyPendingMigrations(manifest, options(url), createTestContext());

    expect(applied.data.applied).toEqual(["20240101120000", "20240102120000", "20240103120000"]);
    expect(Object.keys(migrated.indexes)).toContain("public.users_email_idx");
    expect(rolledBack).toEqual(empty);
    expect(await withClient(url, (client) => describeSchema(client))).toEqual(migrated);
  });

  it("reports the failing statement's line in the file", async () => {
    const url = await createTestDatabase();
    await writeFile(
      path.join(dir, "20240104120000_backfill.sql"),
      "-- migrate:up\nUPDATE users SET nickname = 'n';\n\n-- the next one fails\nINSERT INTO users (email)\nVALUES (NULL);\n-- migrate:down\n",
    );
    try {
      const manifest = await buildManifest(dir);

      const error = await applyPendingMigrations(manifest, options(url), createTestContext()).then(
        () => null,
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(OpsError);
      expect((error as OpsError).details).toMatchObject({
        file: "20240104120000_backfill.sql",
        line: 5,
        sqlState: "23502",
      });
      expect(await withClient(url, (client) => describeSchema(client))).toEqual(
        await withClient(await createTestDatabase(), (client) => describeSchema(client)),
      );
    } finally {
      await rm(path.join(dir, "20240104120000_backfill.sql"));
    }
  });
});
