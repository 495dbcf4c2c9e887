import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";

/**
 * One line of the local invocation history (`.ops/invocations.jsonl`): what CloudWatch's REPORT
 * line and metrics would tell, the local source for cost and analytics.
 */
export interface InvocationRecord {
  /** Full function name, e.g. `ops-local-migration`. */
  readonly function: string;
  readonly requestId: string;
  readonly invocationType: "RequestResponse" | "Event";
  /** ISO-8601 time the invocation started (throttles: when it was refused). */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** INIT duration on cold starts, else null. */
  readonly initDurationMs: number | null;
  readonly coldStart: boolean;
  /** False on a function error, a throttle, or a result envelope with `ok: false`. */
  readonly ok: boolean;
  /**
   * Why it failed: the function error's errorType (e.g. `Sandbox.Timedout`),
   * `TooManyRequestsException`, or the result envelope's `error.code`; null when ok.
   */
  readonly errorCode: string | null;
  /** `Unhandled` when Lambda would set X-Amz-Function-Error, else null. */
  readonly functionError: "Unhandled" | null;
}

/** Appends invocation records to a JSON-lines file. */
export interface InvocationHistory {
  readonly file: string;
  append(record: InvocationRecord): Promise<void>;
}

/**
 * Opens (creating its folder on first append) a JSON-lines invocation history. Appends are
 * serialised, one whole line per write, so concurrent invocations never interleave.
 *
 * @example
 * const history = openInvocationHistory(".ops/invocations.jsonl");
 * await history.append(record);
 */
export function openInvocationHistory(file: string): InvocationHistory {
  let queue = Promise.resolve();
  return {
    file,
    append(record) {
      const written = queue.then(async () => {
        await mkdir(path.dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(record)}\n`);
      });
      queue = written.catch(() => {});
      return written;
    },
  };
}
