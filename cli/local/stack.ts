import { existsSync } from "node:fs";
import path from "node:path";
import { buildManifest, writeManifest } from "../../lambdas/migration/manifest.ts";
import { type CliDatabase, openCliDatabase } from "./database.ts";
import {
  LOCAL_RUNTIME,
  type LocalFunction,
  type LocalFunctionSpec,
  localFunctionFromSpec,
  readDeclaredFunctions,
} from "./lambda-endpoint/functions.ts";
import { type LambdaEndpoint, startLambdaEndpoint } from "./lambda-endpoint/server.ts";
import { DEFAULT_MIGRATIONS_DIR, opsHome, PACKAGE_ROOT } from "./paths.ts";
import { removeStackFile, writeStackFile } from "./stack-file.ts";

export interface LocalStackOptions {
  /** Port of the Lambda endpoint on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  /** Database given to the functions as DATABASE_URL; absent: the embedded PostgreSQL under `home`. */
  readonly databaseUrl?: string;
  /** Folder for local state (default: OPS_HOME, else .ops/ at the repository root). */
  readonly home?: string;
  /** Functions to host instead of infra/functions.auto.tfvars.json's (tests, fixtures). */
  readonly functions?: readonly LocalFunctionSpec[];
  /** Run the built bundles (build/lambdas/<name>/index.mjs, `npm run build:lambdas`) instead of the sources. */
  readonly bundles?: boolean;
  /** Invocation history file (default `<home>/invocations.jsonl`). */
  readonly historyFile?: string;
  /** Make the next N synchronous invocations of a function fail with TooManyRequestsException. */
  readonly throttle?: Readonly<Record<string, number>>;
  /** Concurrency of functions without reserved_concurrency (default 10). */
  readonly unreservedConcurrency?: number;
  /** Every function's log output (START, END, REPORT included) as it is written. */
  readonly onLog?: (functionName: string, text: string) => void;
  /** Progress messages (e.g. creating the PostgreSQL cluster on first run). */
  readonly progress?: (message: string) => void;
  /** Where OPS_HOME is read from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running local stack. */
export interface LocalStack {
  /** The Lambda endpoint, e.g. `http://127.0.0.1:49152`. */
  readonly endpointUrl: string;
  readonly databaseUrl: string;
  readonly region: string;
  /** What a shell or test needs: AWS_ENDPOINT_URL_LAMBDA, AWS_REGION, dummy credentials, DATABASE_URL. */
  readonly env: Readonly<Record<string, string>>;
  /** Full names of the hosted functions, e.g. `ops-local-migration`. */
  readonly functionNames: readonly string[];
  readonly historyFile: string;
  /** Makes the next `count` synchronous invocations of a function fail with TooManyRequestsException. */
  throttle(functionName: string, count: number): void;
  /** Stops the endpoint (killing every function process), then PostgreSQL if this stack started it. */
  stop(): Promise<void>;
}

/** Dummy credentials: the SDK needs some, the local endpoint checks none. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };

/**
 * Starts the local stack in-process: the embedded PostgreSQL (unless `databaseUrl` is given) and
 * the local Lambda endpoint hosting every function of infra/functions.auto.tfvars.json under its
 * `local` name, with its memory, timeout and environment. Announces itself in
 * `<home>/local-stack.json` until stopped.
 *
 * @example
 * const stack = await startLocalStack({ databaseUrl: await createTestDatabase(), home: tmp });
 * const lambda = new LambdaClient({ endpoint: stack.endpointUrl, region: stack.region, maxAttempts: 1 });
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const home = path.resolve(options.home ?? opsHome(options.env));
  const declared = readDeclaredFunctions(path.join(PACKAGE_ROOT, "infra"), "local");
  const database = await openCliDatabase({
    databaseUrl: options.databaseUrl,
    env: { OPS_HOME: home },
    progress: options.progress ?? (() => {}),
  });
  try {
    const functions = options.functions
      ? options.functions.map((spec) => withDatabase(localFunctionFromSpec(spec), database.url))
      : await declaredFunctions(declared, {
          home,
          databaseUrl: database.url,
          bundles: options.bundles,
        });
    return await startServing(options, { home, region: declared.region, database, functions });
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function startServing(
  options: LocalStackOptions,
  parts: { home: string; region: string; database: CliDatabase; functions: LocalFunction[] },
): Promise<LocalStack> {
  const { home, region, database } = parts;
  const historyFile = path.resolve(options.historyFile ?? path.join(home, "invocations.jsonl"));
  const endpoint: LambdaEndpoint = await startLambdaEndpoint({
    functions: parts.functions,
    region,
    historyFile,
    awsVariables: LOCAL_CREDENTIALS,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.unreservedConcurrency
      ? { unreservedConcurrency: options.unreservedConcurrency }
      : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  for (const [name, count] of Object.entries(options.throttle ?? {}))
    endpoint.throttle(name, count);
  const announcement = {
    endpointUrl: endpoint.url,
    databaseUrl: database.url,
    region,
    functions: endpoint.functionNames,
    historyFile,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  await writeStackFile(home, announcement);
  return {
    endpointUrl: endpoint.url,
    databaseUrl: database.url,
    region,
    env: {
      AWS_ENDPOINT_URL_LAMBDA: endpoint.url,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      ...LOCAL_CREDENTIALS,
      DATABASE_URL: database.url,
    },
    functionNames: endpoint.functionNames,
    historyFile,
    throttle: endpoint.throttle,
    async stop() {
      try {
        await endpoint.close();
        await removeStackFile(home, endpoint.url);
      } finally {
        await database.close();
      }
    },
  };
}

/**
 * The functions of infra/functions.auto.tfvars.json under their local names. From the sources, the
 * migration function gets a manifest built now from lambdas/migration/migrations; a bundle has its
 * own manifest.json beside it.
 */
async function declaredFunctions(
  declared: ReturnType<typeof readDeclaredFunctions>,
  where: { home: string; databaseUrl: string; bundles: boolean | undefined },
): Promise<LocalFunction[]> {
  const functions: LocalFunction[] = [];
  for (const [key, fn] of declared.functions) {
    const codeFile = where.bundles
      ? path.join(PACKAGE_ROOT, "build/lambdas", key, "index.mjs")
      : path.join(PACKAGE_ROOT, "lambdas", key, "handler.ts");
    if (!existsSync(codeFile)) {
      const fix = where.bundles
        ? "run `npm run build:lambdas` first"
        : "check infra/functions.auto.tfvars.json";
      throw new Error(`Function '${key}' has no code at ${codeFile}: ${fix}.`);
    }
    const extra: Record<string, string> = {};
    if (key === "migration" && !where.bundles) {
      extra.OPS_MIGRATION_MANIFEST = await buildLocalManifest(where.home);
    }
    functions.push(
      withDatabase(
        {
          name: `${declared.namePrefix}${key}`,
          ...fn,
          codeFile,
          runtime: LOCAL_RUNTIME,
          environment: { ...fn.environment, ...extra },
        },
        where.databaseUrl,
      ),
    );
  }
  return functions;
}

async function buildLocalManifest(home: string): Promise<string> {
  const file = path.join(home, "lambda", "migration", "manifest.json");
  await writeManifest(await buildManifest(DEFAULT_MIGRATIONS_DIR), file);
  return file;
}

function withDatabase(fn: LocalFunction, databaseUrl: string): LocalFunction {
  return { ...fn, environment: { ...fn.environment, DATABASE_URL: databaseUrl } };
}
