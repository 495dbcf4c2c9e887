/**
 * The report: the job summary and the `report` file, the same Markdown. A ranked findings table,
 * then a Mermaid chart of each anomalous series with its anomalies marked. Under the 1 MiB summary
 * limit: table rows and charts are added in rank order while they fit, the rest counted.
 */
import { escapeMarkdown, MAX_SUMMARY_BYTES, SummaryBuilder } from "../kit/summary.ts";
import type { AnalyzeReport } from "./analyze.ts";
import { mermaidChart } from "./chart.ts";
import type { AnalyzeFinding } from "./findings.ts";

/** Rows of the findings table; the full list is in the `findings` output. */
export const MAX_TABLE_ROWS = 200;

/** Room kept for the sections after the charts (warnings, notes). */
const TAIL_RESERVE_BYTES = 64 * 1024;

/**
 * The report of an analysis as Markdown, at most `maxBytes` long.
 *
 * @example
 * await writeFile(reportPath, analyzeReportMarkdown(report));
 * await core.summary.addRaw(analyzeReportMarkdown(report)).write();
 */
export function analyzeReportMarkdown(report: AnalyzeReport, maxBytes = MAX_SUMMARY_BYTES): string {
  const { config, findings } = report;
  const top = findings[0]?.severity ?? 0;
  const summary = new SummaryBuilder()
    .heading(
      `Analyze ${config.environment}: ${findings.length === 0 ? "✅ no findings" : `${findings.length} finding${findings.length === 1 ? "" : "s"}, top severity ${top.toFixed(2)}`}`,
    )
    .table(detailRows(report));
  if (findings.length === 0) {
    summary.paragraph(
      `No series scored ${config.threshold} or more, and the run history (if given) shows no pattern.`,
    );
  }
  let used = Buffer.byteLength(summary.render(maxBytes));
  const add = (markdown: string): boolean => {
    const bytes = Buffer.byteLength(markdown) + 2;
    if (used + bytes > maxBytes - TAIL_RESERVE_BYTES) return false;
    summary.markdown(markdown);
    used += bytes;
    return true;
  };
  if (findings.length > 0) {
    add("### Findings, most severe first");
    const table = findingsTable(findings.slice(0, MAX_TABLE_ROWS));
    if (!add(table)) add(findingsTable(findings.slice(0, 20)));
    if (findings.length > MAX_TABLE_ROWS) {
      add(`_${findings.length - MAX_TABLE_ROWS} more findings are in the \`findings\` output._`);
    }
  }
  const charted = chartSections(report);
  if (charted.length > 0) {
    add("### Anomalous series");
    add(
      "_Line: the series (downsampled, gaps carry the previous value); red bars: the points that scored at or above the threshold._",
    );
    let left = 0;
    for (const section of charted) if (left > 0 || !add(section)) left += 1;
    if (left > 0) add(`_${left} more charts left out: the summary limit is 1 MiB._`);
  }
  if (report.warnings.length > 0) summary.heading("Warnings", 3).list(report.warnings.slice(0, 50));
  return summary.render(maxBytes);
}

function detailRows(report: AnalyzeReport): [string, string][] {
  const { config, stats } = report;
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
  const rows: [string, string][] = [
    ["Environment", `${config.environment} (${config.region})`],
    [
      "Window",
      `${iso(report.window.start)} → ${iso(report.window.end)} (${config.lookbackHours} h, ${config.periodSeconds} s periods)`,
    ],
    ["Detector", `${config.detector}, flags at score ≥ ${config.threshold}`],
    ["Functions", config.functions.map((target) => target.functionName).join(", ")],
    [
      "Series",
      `${report.series.read} read, ${report.series.empty} without data, ${report.anomalousSeries.size} anomalous`,
    ],
    [
      "GetMetricData",
      `${stats.queries} queries in ${stats.batches} batches of ≤ 500 → ${stats.calls} calls (${stats.retries} retried after throttling)`,
    ],
  ];
  if (report.historyEntries !== undefined) {
    rows.push(["Run history", `${report.historyEntries} lines of ${config.environment}`]);
  }
  return rows;
}

function findingsTable(findings: readonly AnalyzeFinding[]): string {
  const lines = [
    "| # | Severity | Kind | Where | Finding | Next |",
    "| ---: | ---: | --- | --- | --- | --- |",
  ];
  findings.forEach((finding, index) => {
    lines.push(
      `| ${index + 1} | ${finding.severity.toFixed(2)} | ${finding.kind} | ${cell(scopeText(finding))} | ${cell(finding.summary)} | ${cell(finding.nextAction)} |`,
    );
  });
  return lines.join("\n");
}

function chartSections(report: AnalyzeReport): string[] {
  const sections: string[] = [];
  let rank = 0;
  for (const finding of report.findings) {
    rank += 1;
    if (finding.kind !== "metric-anomaly") continue;
    const series = report.anomalousSeries.get(finding.seriesId);
    if (!series) continue;
    const { spec, scored } = series;
    const title = `${spec.functionName}${spec.operation ? ` ${spec.operation}` : ""} · ${spec.metric}`;
    sections.push(
      [
        `#### ${rank}. ${escapeMarkdown(title)}`,
        escapeMarkdown(finding.summary),
        mermaidChart(scored, {
          title,
          yLabel: `${spec.metric} (${spec.unit})`,
          windowStart: report.window.start,
          windowEnd: report.window.end,
        }),
      ].join("\n\n"),
    );
  }
  return sections;
}

/**
 * Where a finding applies, one line: `migration migrate · Errors`, `health-check · ERR_TIMEOUT`.
 *
 * @example
 * scopeText(finding); // "migration migrate · OpsLambdas Failure"
 */
export function scopeText(finding: AnalyzeFinding): string {
  const { scope } = finding;
  const target = [scope.function, scope.operation].filter(Boolean).join(" ") || scope.environment;
  const detail =
    finding.kind === "metric-anomaly"
      ? finding.scope.metric
      : (scope.errorCode ?? scope.version ?? scope.period);
  return detail ? `${target} · ${detail}` : target;
}

function cell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, "<br>");
}
