/**
 * The invoke action (action.yml): read inputs → invoke core → outputs, log tail and job summary.
 * The step fails (exactly one `core.setFailed`) on a bad input, an unreachable function, a
 * function error, an `ok: false` result or a failed expectation — unless 'fail-on-error' is false.
 */
import { randomBytes } from "node:crypto";
import * as core from "@actions/core";
import { redactText, redactValue, registerSecret } from "../../lambdas/kit/redact.ts";
import { InputError } from "../kit/inputs.ts";
import { InvokeError } from "./errors.ts";
import { checkExpectations, describeExpectFailures, type ExpectFailure } from "./expect.ts";
import { parseInvokeInputs } from "./inputs.ts";
import { awsInvokeDeps, describeFailure, type InvokeReport, invokeOpsFunction } from "./invoke.ts";
import { invokeOutputs } from "./outputs.ts";
import { invokeErrorSummary, invokeSummary } from "./summary.ts";

/**
 * Runs the action in the current process (the runner's environment and files). Never rejects.
 *
 * @example
 * await run(); // from dist/index.js
 */
export async function run(): Promise<void> {
  let failure: string | undefined;
  try {
    maskSecret(core.getInput("signing-key"));
    const inputs = parseInvokeInputs((name) => core.getInput(name), process.env);
    maskSecretParams(inputs.request.params);
    const report = await invokeOpsFunction(
      inputs.request,
      awsInvokeDeps(inputs.request.region, { progress: core.info }),
    );
    const expectFailures = report.result
      ? checkExpectations(inputs.expectations, report.result)
      : [];
    await publish(report, expectFailures);
    failure = failureOf(report, expectFailures);
    if (failure && !inputs.failOnError) {
      core.warning(`${failure} (not failing the step: fail-on-error is false)`);
      failure = undefined;
    }
  } catch (error) {
    core.setOutput("ok", "false");
    failure = messageOf(error);
    if (error instanceof InvokeError) await writeSummary(invokeErrorSummary(error));
  }
  if (failure) core.setFailed(redactText(failure));
}

function failureOf(
  report: InvokeReport,
  expectFailures: readonly ExpectFailure[],
): string | undefined {
  return (
    describeFailure(report) ??
    (expectFailures.length > 0 ? describeExpectFailures(expectFailures) : undefined)
  );
}

async function publish(
  report: InvokeReport,
  expectFailures: readonly ExpectFailure[],
): Promise<void> {
  for (const [name, value] of Object.entries(invokeOutputs(report, expectFailures))) {
    core.setOutput(name, value);
  }
  if (report.result) core.info(report.result.summary);
  if (report.logTail) logUninterpreted("Log tail", report.logTail);
  await writeSummary(invokeSummary(report, expectFailures));
}

/** Prints text in a collapsed group with workflow commands off, so a log line cannot issue one. */
function logUninterpreted(title: string, text: string): void {
  const token = randomBytes(16).toString("hex");
  core.startGroup(title);
  core.info(`::stop-commands::${token}`);
  core.info(text);
  core.info(`::${token}::`);
  core.endGroup();
}

async function writeSummary(markdown: string): Promise<void> {
  // Outside a runner (e.g. a local run of the bundle) there is no summary file.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}

function messageOf(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof InvokeError) return `${error.message} Next: ${error.hint}`;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

function maskSecret(value: string): void {
  if (value === "") return;
  core.setSecret(value);
  registerSecret(value);
}

/** Masks the values of secret-named params (password, token, …) wherever they might show up. */
function maskSecretParams(params: Record<string, unknown>): void {
  const redacted = redactValue(params);
  const walk = (given: unknown, blanked: unknown): void => {
    if (typeof given === "string" && given !== blanked) maskSecret(given);
    if (typeof given !== "object" || given === null || typeof blanked !== "object" || !blanked)
      return;
    for (const [key, value] of Object.entries(given))
      walk(value, (blanked as Record<string, unknown>)[key]);
  };
  walk(params, redacted);
}
