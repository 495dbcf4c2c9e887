import { jsonOutput, tailOf } from "../kit/outputs.ts";
import type { ExpectFailure } from "./expect.ts";
import type { InvokeReport } from "./invoke.ts";

/** The action's outputs (action.yml), as the strings `core.setOutput` receives. */
export interface InvokeOutputs {
  readonly ok: string;
  readonly result: string;
  readonly "status-code": string;
  readonly "function-error": string;
  readonly "executed-version": string;
  readonly "duration-ms": string;
  readonly "request-id": string;
  readonly "log-tail": string;
}

/**
 * The outputs of an invocation: `ok` is true only when the function ran without error, its result
 * is not `ok: false` and every expectation held; `result` is the payload as JSON, cut to stay
 * within GitHub's output limits while remaining valid JSON.
 *
 * @example
 * for (const [name, value] of Object.entries(invokeOutputs(report, []))) core.setOutput(name, value);
 */
export function invokeOutputs(
  report: InvokeReport,
  expectFailures: readonly ExpectFailure[],
): InvokeOutputs {
  const ran = ["succeeded", "accepted", "dry-run"].includes(report.outcome);
  return {
    ok: String(ran && expectFailures.length === 0),
    result: jsonOutput(report.payload ?? null),
    "status-code": String(report.statusCode),
    "function-error": report.functionError ?? "",
    "executed-version": report.executedVersion ?? "",
    "duration-ms": String(Math.round(report.durationMs)),
    "request-id": report.request.requestId,
    "log-tail": tailOf(report.logTail),
  };
}
