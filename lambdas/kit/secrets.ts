import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { OpsError } from "./errors.ts";
import { registerSecret } from "./redact.ts";

const cache = new Map<string, Promise<string>>();
let client: SecretsManagerClient | undefined;

/**
 * The Secrets Manager SDK, imported on first use. `webpackIgnore` keeps the bundler from hoisting
 * it: the Lambda bundles leave it to the AWS SDK v3 of the nodejs22.x runtime, and a function
 * that never reads a secret never loads it (it is most of a cold start otherwise).
 */
function loadSdk() {
  return import(/* webpackIgnore: true */ "@aws-sdk/client-secrets-manager");
}

/**
 * Reads a secret string from Secrets Manager once per container and registers it for redaction.
 * Loaded lazily so that functions not using Secrets Manager do not pay for the SDK at cold start.
 *
 * @example
 * const key = await getSecretString(process.env.OPS_SIGNING_SECRET_ARN);
 */
export function getSecretString(arn: string): Promise<string> {
  let pending = cache.get(arn);
  if (!pending) {
    pending = fetchSecret(arn);
    cache.set(arn, pending);
    pending.catch(() => cache.delete(arn));
  }
  return pending;
}

async function fetchSecret(arn: string): Promise<string> {
  try {
    const { GetSecretValueCommand, SecretsManagerClient } = await loadSdk();
    client ??= new SecretsManagerClient({});
    const output = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const value = output.SecretString;
    if (!value) throw new Error("the secret has no SecretString");
    registerSecret(value);
    return value;
  } catch (error) {
    throw new OpsError(
      "SECRET_UNAVAILABLE",
      `Could not read secret ${arn}: ${(error as Error).message}`,
      {
        retryable: true,
        details: { secretArn: arn },
        hint: "Check that the function's role may call secretsmanager:GetSecretValue on this secret.",
        cause: error,
      },
    );
  }
}
