import { ActionError, describeCause } from "../kit/errors.ts";

/** Failures reading CloudWatch, each with a stable `code` and the next step to take. */

/** Base of the analyze errors. */
export class AnalyzeError extends ActionError {
  override readonly name: string = "AnalyzeError";
}

/** GetMetricData was refused: the credentials' role lacks `cloudwatch:GetMetricData`. */
export class MetricsAccessDeniedError extends AnalyzeError {
  override readonly name = "MetricsAccessDeniedError";
  /** The role (or user) named by AWS's message, when it names one. */
  readonly principal: string | undefined;

  constructor(principal: string | undefined, cause: unknown) {
    const who = principal ? `The role ${principal}` : "The workflow's role";
    super(
      "METRICS_ACCESS_DENIED",
      `${who} may not read metrics: cloudwatch:GetMetricData was denied (${describeCause(cause)}).`,
      {
        hint: `Allow cloudwatch:GetMetricData on Resource "*" (it takes no resource-level permissions) in the policy of ${principal ?? "the role the workflow assumes (role-to-assume)"}.`,
        cause,
      },
    );
    this.principal = principal;
  }
}

/** Still throttled after the bounded retries. */
export class MetricsThrottledError extends AnalyzeError {
  override readonly name = "MetricsThrottledError";
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super(
      "METRICS_THROTTLED",
      `GetMetricData was still throttled after ${attempts} attempts (${describeCause(cause)}).`,
      {
        hint: "Run again later, or analyze fewer functions ('functions') or a shorter 'lookback-hours'.",
        cause,
      },
    );
    this.attempts = attempts;
  }
}

/** Any other failure of GetMetricData (bad request, network). */
export class MetricsCallError extends AnalyzeError {
  override readonly name = "MetricsCallError";

  constructor(cause: unknown) {
    super("METRICS_CALL_FAILED", `GetMetricData failed: ${describeCause(cause)}.`, {
      hint: "Check 'aws-region', the credentials and the CloudWatch endpoint.",
      cause,
    });
  }
}
