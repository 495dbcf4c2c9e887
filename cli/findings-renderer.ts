import type { Finding, RunHistoryExtent } from "../analytics/patterns/index.ts";
import { bold, dim, red, table, yellow } from "./render.ts";

/** What was analysed, for the report's first line. */
export interface HistorySummary extends RunHistoryExtent {
  readonly file: string;
}

/**
 * Human report of `ops analyze --history`: what was read, a ranked table (severity, kind,
 * scope, summary) and the next action of each finding, with the findings it explains.
 *
 * @example
 * io.stdout(renderFindings(findings, { file: "runs.jsonl", runs: 120, deploys: 2, from, to }).join("\n"));
 */
export function renderFindings(findings: readonly Finding[], history: HistorySummary): string[] {
  if (history.runs === 0) return [`No runs in ${history.file} — nothing to analyse.`];
  const span = `${history.from?.slice(0, 10)} to ${history.to?.slice(0, 10)}`;
  const read = `${plural(history.runs, "run")} and ${plural(history.deploys, "deploy")} from ${span}`;
  if (findings.length === 0) return [`${bold("No failure patterns")} in ${read}.`];
  const lines = [
    `${bold(plural(findings.length, "failure pattern"))} in ${read}, most severe first:`,
    "",
    ...table([
      ["SEVERITY", "KIND", "SCOPE", "SUMMARY"].map((heading) => dim(heading)),
      ...findings.map((finding) => [
        paintSeverity(finding.severity),
        finding.kind,
        scopeText(finding),
        finding.summary,
      ]),
    ]).map((line) => `  ${line}`),
    "",
    bold("Next actions:"),
  ];
  findings.forEach((finding, index) => {
    lines.push(`  ${index + 1}. ${finding.nextAction} ${dim(`[${finding.fingerprint}]`)}`);
    for (const related of finding.related)
      lines.push(dim(`     explains ${related.kind} [${related.fingerprint}]: ${related.summary}`));
  });
  return lines;
}

function scopeText(finding: Finding): string {
  const { scope } = finding;
  const path = [scope.function, scope.operation, scope.environment].filter(Boolean).join("/");
  const qualifiers = [scope.errorCode, scope.version, scope.period].filter(Boolean);
  return qualifiers.length > 0 ? `${path} ${qualifiers.join(" ")}` : path;
}

function paintSeverity(severity: number): string {
  const text = severity.toFixed(2);
  if (severity >= 0.6) return red(text);
  return severity >= 0.3 ? yellow(text) : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
