import { isRecord } from "../../lambdas/kit/envelope.ts";
import { redactText } from "../../lambdas/kit/redact.ts";
import { SummaryBuilder } from "../kit/summary.ts";
import type { InvokeError } from "./errors.ts";
import type { ExpectFailure } from "./expect.ts";
import { describeExpectFailures } from "./expect.ts";
import type { InvokeOutcome, InvokeReport } from "./invoke.ts";
import { keyDataLines } from "./key-data.ts";

const HEADLINES: Readonly<Record<InvokeOutcome, string>> = {
  succeeded: "✅ succeeded",
  failed: "❌ failed",
  "function-error": "💥 function error",
  accepted: "📨 accepted (Event: runs asynchronously)",
  "dry-run": "🔎 dry run: Lambda accepted the request without running it",
};

/**
 * The job summary of one invocation: what ran where, how it ended, the operation's key data, what
 * to do next, warnings; the log tail and the full result collapsed. Under 1 MiB.
 *
 * @example
 * await core.summary.addRaw(invokeSummary(report, [])).write();
 */
export function invokeSummary(
  report: InvokeReport,
  expectFailures: readonly ExpectFailure[],
): string {
  const { request, result } = report;
  const summary = new SummaryBuilder()
    .heading(`Invoke ${request.functionName} · ${request.operation}: ${HEADLINES[report.outcome]}`)
    .paragraph(result?.summary ?? "")
    .table(detailRows(report));
  if (result && isRecord(result.data)) {
    const lines = keyDataLines(result.data);
    if (lines.length > 0) summary.heading("Key data", 3).list(lines);
  }
  if (result?.error) {
    const { code, message, hint } = result.error;
    summary.heading(`Error ${code}`, 3).paragraph(message);
    if (hint) summary.paragraph(`Next: ${hint}`);
  }
  if (report.error)
    summary.heading(`Function error ${report.error.type}`, 3).paragraph(report.error.message);
  if (expectFailures.length > 0) {
    summary
      .heading("Expectations failed", 3)
      .list(describeExpectFailures(expectFailures).split("; "));
  }
  if (result && result.warnings.length > 0) summary.heading("Warnings", 3).list(result.warnings);
  return summary
    .collapsed("Log tail", report.logTail)
    .collapsed(
      "Result",
      report.payload === undefined ? "" : JSON.stringify(report.payload, null, 2),
      "json",
    )
    .render();
}

/**
 * The job summary when the function could not be invoked (not found, not ready, throttled until
 * the deadline, no answer in time, another account).
 *
 * @example
 * await core.summary.addRaw(invokeErrorSummary(error)).write();
 */
export function invokeErrorSummary(error: InvokeError): string {
  return new SummaryBuilder()
    .heading(`❌ Invoke failed: ${error.code}`)
    .paragraph(redactText(error.message))
    .paragraph(`Next: ${error.hint}`)
    .render();
}

function detailRows(report: InvokeReport): [string, string][] {
  const { request } = report;
  const rows: [string, string][] = [
    ["Function", request.functionName],
    ["Qualifier", request.qualifier ?? "$LATEST (unqualified)"],
    ["Executed version", report.executedVersion ?? "–"],
    ["Environment", request.environment ?? "–"],
    ["Operation", `${request.operation}${request.dryRun ? " (dry run)" : ""}`],
    ["Outcome", report.outcome],
    ["Duration", formatMs(report.durationMs)],
    ["Request id", request.requestId],
  ];
  if (report.awsRequestId) rows.push(["Lambda request id", report.awsRequestId]);
  if (report.attempts > 1) rows.push(["Attempts", `${report.attempts} (throttled before)`]);
  return rows;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
