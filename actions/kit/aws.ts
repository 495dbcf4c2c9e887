/**
 * AWS clients for the actions and the CLI. Credentials come from the SDK's standard chain (in a
 * workflow: the variables aws-actions/configure-aws-credentials exports); endpoints from the
 * SDK's standard overrides (`AWS_ENDPOINT_URL_LAMBDA`, …), which is how the local stack is reached.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";

export interface LambdaClientOptions {
  readonly region: string;
  /**
   * Let the SDK retry failed calls. Off for Invoke: a retried RequestResponse call may run the
   * operation twice, so the caller retries only failures that prove the function did not run.
   */
  readonly retries: boolean;
  /** Socket timeout; for Invoke it must exceed the function's own timeout. */
  readonly socketTimeoutMs?: number;
  /** Explicit endpoint (the CLI's local stack); otherwise the SDK's standard resolution. */
  readonly endpoint?: string | undefined;
  /** Explicit credentials (the local stack's dummy ones); otherwise the standard chain. */
  readonly credentials?: AwsCredentials | undefined;
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * A Lambda client with the retry and timeout policy the caller needs.
 *
 * @example
 * const invokeClient = createLambdaClient({ region: "eu-west-1", retries: false, socketTimeoutMs: 930_000 });
 */
export function createLambdaClient(options: LambdaClientOptions): LambdaClient {
  return new LambdaClient({
    region: options.region,
    maxAttempts: options.retries ? 3 : 1,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: {
      connectionTimeout: 10_000,
      ...(options.socketTimeoutMs
        ? {
            requestTimeout: options.socketTimeoutMs,
            socketTimeout: options.socketTimeoutMs,
            throwOnRequestTimeout: true,
          }
        : {}),
    },
  });
}

/**
 * An STS client (for GetCallerIdentity).
 *
 * @example
 * const sts = createStsClient({ region: "eu-west-1" });
 */
export function createStsClient(options: { region: string }): STSClient {
  return new STSClient({ region: options.region, maxAttempts: 3 });
}
