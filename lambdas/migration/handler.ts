import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDatabaseConfig } from "../kit/database.ts";
import { createLambdaHandler } from "../kit/lambda-handler.ts";
import { loadManifestFile } from "./manifest-file.ts";
import type { MigrationManifest } from "./types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
let bundled: Promise<MigrationManifest> | undefined;

// The engine and the database driver load on the first real invocation, not for warm-up pings.
export const handler = createLambdaHandler({
  name: "migration",
  load: async () => {
    const { createMigrationFunction, settingsFromEnv } = await import("./function.ts");
    return createMigrationFunction({
      // Built by `npm run build:lambdas` beside the bundle; read once per container, on first use.
      // The local stack runs this module from source and points OPS_MIGRATION_MANIFEST at one it
      // built from lambdas/migration/migrations.
      manifest: () => {
        bundled ??= loadManifestFile(
          process.env.OPS_MIGRATION_MANIFEST ?? path.join(here, "manifest.json"),
        );
        return bundled;
      },
      connection: () =>
        resolveDatabaseConfig({
          env: process.env,
          applicationName: "ops-lambdas/migration",
          caDir: here,
        }),
      settings: settingsFromEnv(process.env),
    });
  },
});
