import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientConfig } from "pg";
import { resolveDatabaseConfig } from "../kit/database.ts";
import { OpsError } from "../kit/errors.ts";
import { createLambdaHandler } from "../kit/lambda-handler.ts";

/** In Lambda: the database from DATABASE_URL / DATABASE_SECRET_ARN when configured. */
async function configuredDatabase(): Promise<ClientConfig | undefined> {
  try {
    return await resolveDatabaseConfig({
      env: process.env,
      applicationName: "ops-lambdas/health-check",
      caDir: path.dirname(fileURLToPath(import.meta.url)),
    });
  } catch (error) {
    if (
      error instanceof OpsError &&
      error.code === "DATABASE_NOT_CONFIGURED" &&
      !process.env.DATABASE_URL &&
      !process.env.DATABASE_SECRET_ARN
    ) {
      return undefined;
    }
    throw error;
  }
}

// The checks and the database driver load on the first real invocation, not for warm-up pings.
export const handler = createLambdaHandler({
  name: "health-check",
  load: async () => {
    const { createHealthCheckFunction } = await import("./function.ts");
    return createHealthCheckFunction({ database: configuredDatabase, env: process.env });
  },
});
