import { ActionError, describeCause } from "../kit/errors.ts";

/**
 * Failures of an invocation that happen around the function (it was never reached, or its answer
 * never came back). Failures *of* the function are data in the report instead.
 */

/** Base of the invoke errors: a stable `code` and the next step to take. */
export class InvokeError extends ActionError {
  override readonly name: string = "InvokeError";
}

/** GetFunctionConfiguration or Invoke said the function does not exist. */
export class FunctionNotFoundError extends InvokeError {
  override readonly name = "FunctionNotFoundError";
  readonly functionName: string;

  constructor(functionName: string, region: string, cause: unknown) {
    super("FUNCTION_NOT_FOUND", `Function '${functionName}' was not found in ${region}.`, {
      hint: "Check 'function-name', 'qualifier', 'environment' and 'aws-region', and that the credentials are for the right account.",
      cause,
    });
    this.functionName = functionName;
  }
}

/** The function did not become Active with a successful last update in time, or failed to. */
export class FunctionNotReadyError extends InvokeError {
  override readonly name = "FunctionNotReadyError";
  readonly state: string;
  readonly lastUpdateStatus: string;

  constructor(functionName: string, state: string, lastUpdateStatus: string, reason: string) {
    super(
      "FUNCTION_NOT_READY",
      `Function '${functionName}' is not ready: State ${state}, LastUpdateStatus ${lastUpdateStatus}${reason ? ` (${reason})` : ""}.`,
      {
        hint:
          state === "Failed" || lastUpdateStatus === "Failed"
            ? "Fix the deployment (see the reason) and deploy the function again."
            : "Wait for the deployment in progress to finish, or raise 'timeout-seconds'.",
      },
    );
    this.state = state;
    this.lastUpdateStatus = lastUpdateStatus;
  }
}

/** Still throttled (or refused) when the time budget ran out; the function never ran. */
export class RetriesExhaustedError extends InvokeError {
  override readonly name = "RetriesExhaustedError";
  readonly attempts: number;

  constructor(functionName: string, attempts: number, cause: unknown) {
    super(
      "INVOKE_NOT_ACCEPTED",
      `Function '${functionName}' did not accept the invocation after ${attempts} attempts: ${describeCause(cause)}. It did not run.`,
      {
        hint: "Raise the function's concurrency or 'timeout-seconds', or run again later.",
        cause,
      },
    );
    this.attempts = attempts;
  }
}

/** No answer within 'timeout-seconds'; the function may still be running. */
export class InvokeTimeoutError extends InvokeError {
  override readonly name = "InvokeTimeoutError";

  constructor(functionName: string, timeoutSeconds: number, requestId: string, cause?: unknown) {
    super(
      "INVOKE_TIMEOUT",
      `No answer from '${functionName}' within ${timeoutSeconds} s (request ${requestId}); it may still be running.`,
      {
        hint: "Look at the function's logs for the request id before running again (the request id makes a repeated migrate return the recorded outcome); raise 'timeout-seconds' above the function's timeout.",
        cause,
      },
    );
  }
}

/** The credentials belong to another account than 'expected-account-id'. */
export class AccountMismatchError extends InvokeError {
  override readonly name = "AccountMismatchError";

  constructor(expected: string, actual: string, arn: string) {
    super(
      "ACCOUNT_MISMATCH",
      `The AWS credentials belong to account ${actual} (${arn}), not the expected ${expected}.`,
      {
        hint: "Check the role the workflow assumes (aws-actions/configure-aws-credentials 'role-to-assume') or 'expected-account-id'.",
      },
    );
  }
}

/** Any other AWS error from Invoke or GetFunctionConfiguration (access denied, bad request, …). */
export class AwsCallError extends InvokeError {
  override readonly name = "AwsCallError";

  constructor(call: string, cause: unknown) {
    super("AWS_CALL_FAILED", `${call} failed: ${describeCause(cause)}.`, {
      hint: "Check the credentials' permissions (lambda:InvokeFunction, lambda:GetFunctionConfiguration) and the inputs.",
      cause,
    });
  }
}
