import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";

/**
 * A CloudWatch client for GetMetricData. SDK retries are off: `fetchMetricSeries` retries
 * throttling itself, bounded and counted (the SDK's retries would hide the calls from the count).
 * The endpoint follows the SDK's standard overrides (`AWS_ENDPOINT_URL_CLOUDWATCH`).
 *
 * @example
 * const cloudwatch = createCloudWatchClient({ region: "eu-west-1" });
 */
export function createCloudWatchClient(options: { region: string }): CloudWatchClient {
  return new CloudWatchClient({
    region: options.region,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
}
