/**
 * The analyze action (action.yml): read inputs → analyze core → outputs, report file and job
 * summary. The step fails (exactly one `core.setFailed`) on a bad input, a CloudWatch failure
 * (access denied, throttled to the end) or a finding at or above 'fail-on-severity'.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import * as core from "@actions/core";
import { RunHistoryError } from "../../analytics/patterns/index.ts";
import { redactText } from "../../lambdas/kit/redact.ts";
import { InputError } from "../kit/inputs.ts";
import { type AnalyzeReport, analyzeEnvironment } from "./analyze.ts";
import { createCloudWatchClient } from "./cloudwatch.ts";
import { AnalyzeError } from "./errors.ts";
import { parseAnalyzeInputs } from "./inputs.ts";
import { analyzeOutputs } from "./outputs.ts";
import { analyzeReportMarkdown, scopeText } from "./report.ts";

/**
 * Runs the action in the current process (the runner's environment and files). Never rejects.
 *
 * @example
 * await run(); // from dist/index.js
 */
export async function run(): Promise<void> {
  let failure: string | undefined;
  try {
    const config = parseAnalyzeInputs((name) => core.getInput(name), process.env);
    const report = await analyzeEnvironment(config, {
      cloudwatch: createCloudWatchClient({ region: config.region }),
      now: Date.now,
      pacing: { sleep: (ms) => sleep(ms), random: Math.random },
      progress: core.info,
      // notify: the notify module's sender, once it exists (see AnalyzeDeps.notify).
    });
    await publish(report);
    failure = severityFailure(report);
  } catch (error) {
    failure = messageOf(error);
  }
  if (failure) core.setFailed(redactText(failure));
}

async function publish(report: AnalyzeReport): Promise<void> {
  const markdown = analyzeReportMarkdown(report);
  const reportPath = path.join(
    process.env.RUNNER_TEMP ?? tmpdir(),
    `ops-analyze-${report.config.environment}-${new Date(report.window.end).toISOString().replace(/[:.]/g, "-")}.md`,
  );
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, markdown);
  for (const [name, value] of Object.entries(analyzeOutputs(report, reportPath))) {
    core.setOutput(name, value);
  }
  for (const warning of report.warnings) core.warning(warning);
  for (const finding of report.findings.slice(0, 10)) {
    core.info(
      `${finding.severity.toFixed(2)} ${finding.kind} ${scopeText(finding)}: ${finding.summary}`,
    );
  }
  // Outside a runner (e.g. a local run of the bundle) there is no summary file.
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
}

function severityFailure(report: AnalyzeReport): string | undefined {
  const limit = report.config.failOnSeverity;
  const top = report.findings[0];
  if (limit === undefined || !top || top.severity < limit) return undefined;
  const count = report.findings.filter((finding) => finding.severity >= limit).length;
  return `${count} finding${count === 1 ? "" : "s"} at severity ≥ ${limit} ('fail-on-severity'); the most severe (${top.severity.toFixed(2)}): ${top.summary}`;
}

function messageOf(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof AnalyzeError) return `${error.message} Next: ${error.hint}`;
  if (error instanceof RunHistoryError) return `Input 'history-file': ${error.message}`;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}
