import { redactText } from "../lambdas/kit/redact.ts";
import { type CliIo, processIo } from "./run-operation.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, USAGE, UsageError } from "./usage.ts";

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Top-level commands, loaded on demand so `ops --help` stays instant. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import("./commands/migrate.ts")).migrateCommand,
  health: async () => (await import("./commands/health.ts")).healthCommand,
  invoke: async () => (await import("./commands/invoke.ts")).invokeCommand,
  local: async () => (await import("./commands/local.ts")).localCommand,
  analyze: async () => (await import("./commands/analyze.ts")).analyzeCommand,
};

/** The top-level command names (bin/code-cache.js keeps one code cache per command). */
export const COMMAND_NAMES = Object.keys(COMMANDS);

/**
 * Entry point of the `ops` command; returns the exit code (0 ok, 1 failed, 2 bad usage).
 *
 * @example
 * process.exitCode = await main(["migrate", "status", "--json"]);
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout(USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(
      `ops: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(", ")}. See 'ops help'.`,
    );
    return EXIT_USAGE;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ops ${name}: ${error.message}`);
      return EXIT_USAGE;
    }
    io.stderr(`ops ${name}: ${redactText(error instanceof Error ? error.message : String(error))}`);
    if (io.env.OPS_DEBUG && error instanceof Error && error.stack)
      io.stderr(redactText(error.stack));
    return EXIT_FAILED;
  }
}
