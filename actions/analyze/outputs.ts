import { MAX_JSON_OUTPUT_BYTES } from "../kit/outputs.ts";
import type { AnalyzeReport } from "./analyze.ts";
import type { AnalyzeFinding } from "./findings.ts";

/** The action's outputs (action.yml), as the strings `core.setOutput` receives. */
export interface AnalyzeOutputs {
  readonly anomalies: string;
  readonly "top-severity": string;
  readonly findings: string;
  readonly report: string;
}

/**
 * The outputs of an analysis. `anomalies` counts every finding (anomalous series and run-history
 * patterns); `findings` is the ranked list as a JSON array, cut to its most severe entries when
 * it would pass the output limit.
 *
 * @example
 * for (const [name, value] of Object.entries(analyzeOutputs(report, "/tmp/report.md"))) core.setOutput(name, value);
 */
export function analyzeOutputs(report: AnalyzeReport, reportPath: string): AnalyzeOutputs {
  return {
    anomalies: String(report.findings.length),
    "top-severity": String(report.findings[0]?.severity ?? 0),
    findings: findingsJson(report.findings),
    report: reportPath,
  };
}

/**
 * The findings as a JSON array of at most `maxBytes`: the most severe that fit (it stays an
 * array a consumer can parse; the count of all findings is in `anomalies`).
 *
 * @example
 * JSON.parse(findingsJson(report.findings)).length; // ≤ report.findings.length
 */
export function findingsJson(
  findings: readonly AnalyzeFinding[],
  maxBytes = MAX_JSON_OUTPUT_BYTES,
): string {
  const full = JSON.stringify(findings);
  if (Buffer.byteLength(full) <= maxBytes) return full;
  let low = 0;
  let high = findings.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(JSON.stringify(findings.slice(0, middle))) <= maxBytes) low = middle;
    else high = middle - 1;
  }
  return JSON.stringify(findings.slice(0, low));
}
