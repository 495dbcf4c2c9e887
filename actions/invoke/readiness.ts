import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { AwsCallError, FunctionNotFoundError, FunctionNotReadyError } from "./errors.ts";

/** How a wait paces itself; tests pass a clock and a sleep that do not wait. */
export interface Pacing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface ReadinessTarget {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly region: string;
  /** Stop waiting at this time (ms since the epoch). */
  readonly deadline: number;
}

/**
 * Polls GetFunctionConfiguration until the function is `Active` with `LastUpdateStatus`
 * `Successful` — invoking during a deployment can run the old code, or fail — and returns its
 * configuration. Fails at once when the function does not exist or its deployment failed, and at
 * the deadline when it is still not ready.
 *
 * @example
 * const config = await waitUntilReady(client, { functionName, region, deadline: Date.now() + 300_000 }, pacing);
 * config.Timeout; // seconds
 */
export async function waitUntilReady(
  client: Pick<LambdaClient, "send">,
  target: ReadinessTarget,
  pacing: Pacing,
  progress: (message: string) => void = () => {},
): Promise<FunctionConfiguration> {
  for (let poll = 0; ; poll += 1) {
    const config = await getConfiguration(client, target);
    const state = config.State ?? "Active";
    const update = config.LastUpdateStatus ?? "Successful";
    if (state === "Active" && update === "Successful") return config;
    const reason = config.LastUpdateStatusReason ?? config.StateReason ?? "";
    if (state === "Failed" || update === "Failed") {
      throw new FunctionNotReadyError(target.functionName, state, update, reason);
    }
    const delay = Math.min(1000 * 2 ** poll, 10_000);
    if (pacing.now() + delay > target.deadline) {
      throw new FunctionNotReadyError(target.functionName, state, update, reason);
    }
    progress(`Waiting for ${target.functionName}: State ${state}, LastUpdateStatus ${update}`);
    await pacing.sleep(delay);
  }
}

async function getConfiguration(
  client: Pick<LambdaClient, "send">,
  target: ReadinessTarget,
): Promise<FunctionConfiguration> {
  try {
    return await client.send(
      new GetFunctionConfigurationCommand({
        FunctionName: target.functionName,
        ...(target.qualifier ? { Qualifier: target.qualifier } : {}),
      }),
    );
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") {
      throw new FunctionNotFoundError(target.functionName, target.region, error);
    }
    throw new AwsCallError(`GetFunctionConfiguration of '${target.functionName}'`, error);
  }
}
