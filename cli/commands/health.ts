import { createHealthCheckFunction } from "../../lambdas/health-check/function.ts";
import { configFromUrl } from "../../lambdas/kit/database.ts";
import { parseCommandArgs } from "../args.ts";
import { openCliDatabase } from "../local/database.ts";
import { renderHealthChecks } from "../renderers.ts";
import { type CliIo, runOperationCommand } from "../run-operation.ts";
import { UsageError } from "../usage.ts";

/**
 * `ops health [--database-url URL] [--endpoint URL]... [--json]`: the health-check function's
 * `check` operation, run in-process against the given (or local) database and endpoints.
 */
export async function healthCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    "database-url": { type: "string" },
    endpoint: { type: "string", multiple: true },
    json: { type: "boolean", default: false },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const endpoints = (values.endpoint ?? []).map((url) => ({ url }));
  const db = await openCliDatabase({
    databaseUrl: values["database-url"],
    env: io.env,
    progress: values.json ? () => {} : io.stdout,
  });
  try {
    const fn = createHealthCheckFunction({
      database: async () => configFromUrl(db.url, { applicationName: "ops-cli/health" }),
      env: io.env,
    });
    return await runOperationCommand(
      fn,
      { operation: "check", params: endpoints.length > 0 ? { endpoints } : {} },
      { json: values.json ?? false, io, render: renderHealthChecks },
    );
  } finally {
    await db.close();
  }
}
