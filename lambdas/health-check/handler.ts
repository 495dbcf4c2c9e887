import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientConfig } from "pg";
import { resolveDatabaseConfig } from "../kit/database.ts";
import { OpsError } from "../kit/errors.ts";
import { createLambdaHandler } from "../kit/lambda-handler.ts";
import { createHealthCheckFunction } from "./function.ts";

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

export const handler = createLambdaHandler(
  createHealthCheckFunction({ database: configuredDatabase, env: process.env }),
);
