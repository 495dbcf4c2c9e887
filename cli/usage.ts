/** Bad usage or input: exit code 2 with a one-line reason naming the argument. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export const USAGE = `ops — run database operations from a laptop, GitHub Actions or AWS Lambda

Usage:
  ops migrate status|plan|up|down|validate|repair [--dir DIR] [--database-url URL]
                                                   [--to V] [--steps N] [--json]
  ops health [--database-url URL] [--endpoint URL]... [--json]
  ops invoke FUNCTION OPERATION [--params JSON|@file] [--env ENV] [--json]
                                           invoke an ops Lambda (--env local: the local stack)
  ops local start [--port N] [--bundles]   local stack: embedded PostgreSQL + local Lambda
                                           endpoint; prints \`export NAME=value\` lines
  ops analyze --input FILE.csv [--output FILE.csv] [--detector NAME] [--json]
  ops analyze --history FILE.jsonl [--json]
  ops help

Without --database-url or DATABASE_URL, commands use the embedded PostgreSQL of the local stack
(data under .ops/). --json prints one JSON document. Exit codes: 0 success, 1 the operation
failed, 2 bad usage or input.
`;
