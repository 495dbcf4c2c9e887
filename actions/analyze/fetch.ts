/**
 * Reads many series with as few GetMetricData calls as CloudWatch allows: up to 500 queries per
 * call, every page of each call followed through NextToken and merged by query id.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import { MetricsAccessDeniedError, MetricsCallError, MetricsThrottledError } from "./errors.ts";
import type { SeriesSpec } from "./metrics.ts";

/** GetMetricData's limit on queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

/** One datapoint: epoch milliseconds and value. */
export interface Datapoint {
  readonly at: number;
  readonly value: number;
}

export interface MetricWindow {
  readonly start: Date;
  readonly end: Date;
}

export interface FetchPacing {
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): jitter of the backoff. */
  readonly random: () => number;
  /** Attempts per call before giving up on throttling. Default 6. */
  readonly maxAttempts?: number;
}

export interface FetchedSeries {
  /** Datapoints by query id, oldest first; a series without data has none. */
  readonly datapoints: ReadonlyMap<string, readonly Datapoint[]>;
  /** GetMetricData calls made, every page and retry counted. */
  readonly calls: number;
  /** Batches of ≤ 500 queries (calls without the extra pages and retries). */
  readonly batches: number;
  /** Calls that were throttled and retried. */
  readonly retries: number;
  /** What CloudWatch said was incomplete or refused, one line each. */
  readonly warnings: readonly string[];
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 20_000;

/**
 * Fetches every series of `specs` over `window`: batches of ≤ 500 queries, each followed page by
 * page (NextToken), results merged by id. `PartialData` pages are completed by the next page; a
 * series still partial at the end, or refused per query, becomes a warning. Throttled calls are
 * retried with full-jitter backoff; AccessDenied names the missing permission.
 *
 * @example
 * const fetched = await fetchMetricSeries(client, specs, { start, end }, { sleep, random: Math.random });
 * fetched.datapoints.get("m0"); // [{ at, value }, …]
 */
export async function fetchMetricSeries(
  client: Pick<CloudWatchClient, "send">,
  specs: readonly SeriesSpec[],
  window: MetricWindow,
  pacing: FetchPacing,
): Promise<FetchedSeries> {
  const points = new Map<string, Datapoint[]>(specs.map((spec) => [spec.id, []]));
  const partial = new Set<string>();
  const warnings: string[] = [];
  let calls = 0;
  let retries = 0;
  const batches = chunk(specs, MAX_QUERIES_PER_CALL);
  for (const batch of batches) {
    let nextToken: string | undefined;
    do {
      const { response, attempts } = await sendWithRetry(client, batch, window, nextToken, pacing);
      calls += attempts;
      retries += attempts - 1;
      for (const result of response.MetricDataResults ?? []) {
        const id = result.Id ?? "";
        const series = points.get(id);
        if (!series) continue;
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        for (let index = 0; index < Math.min(timestamps.length, values.length); index += 1) {
          series.push({
            at: (timestamps[index] as Date).getTime(),
            value: values[index] as number,
          });
        }
        if (result.StatusCode === "PartialData") partial.add(id);
        else if (result.StatusCode === "Complete") partial.delete(id);
        else if (result.StatusCode)
          warnings.push(
            `${describe(specs, id)}: ${result.StatusCode}${messagesOf(result.Messages)}`,
          );
      }
      for (const message of response.Messages ?? []) {
        warnings.push(`GetMetricData: ${message.Code ?? ""} ${message.Value ?? ""}`.trim());
      }
      nextToken = response.NextToken;
    } while (nextToken);
  }
  for (const id of partial) {
    warnings.push(`${describe(specs, id)}: CloudWatch returned partial data (no more pages)`);
  }
  const datapoints = new Map<string, readonly Datapoint[]>();
  for (const [id, series] of points) datapoints.set(id, ascendingUnique(series));
  return { datapoints, calls, batches: batches.length, retries, warnings };
}

/**
 * How many GetMetricData calls `queries` series take without pagination: ⌈queries / 500⌉.
 *
 * @example
 * callsFor(600); // 2
 */
export function callsFor(queries: number): number {
  return Math.ceil(queries / MAX_QUERIES_PER_CALL);
}

async function sendWithRetry(
  client: Pick<CloudWatchClient, "send">,
  batch: readonly SeriesSpec[],
  window: MetricWindow,
  nextToken: string | undefined,
  pacing: FetchPacing,
): Promise<{ response: GetMetricDataCommandOutput; attempts: number }> {
  const maxAttempts = pacing.maxAttempts ?? 6;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: batch.map((spec) => spec.query),
          StartTime: window.start,
          EndTime: window.end,
          ScanBy: "TimestampAscending",
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      return { response, attempts: attempt };
    } catch (error) {
      if (isAccessDenied(error)) throw new MetricsAccessDeniedError(principalOf(error), error);
      if (!isRetryable(error)) throw new MetricsCallError(error);
      if (attempt >= maxAttempts) throw new MetricsThrottledError(attempt, error);
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      await pacing.sleep(Math.round(ceiling * pacing.random()));
    }
  }
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
]);
const TRANSIENT = new Set(["InternalServiceFault", "InternalServiceError", "ServiceUnavailable"]);
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);

function errorCode(error: unknown): string {
  const code =
    (error as { Code?: unknown; code?: unknown }).Code ?? (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "";
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isAccessDenied(error: unknown): boolean {
  return (
    DENIED.has(errorCode(error)) || DENIED.has((error as Error).name) || statusOf(error) === 403
  );
}

function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  const status = statusOf(error) ?? 0;
  return THROTTLING.has(code) || TRANSIENT.has(code) || status === 429 || status >= 500;
}

/** The principal AWS names in "User: arn:aws:sts::…:assumed-role/… is not authorized …". */
function principalOf(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /\barn:aws[a-z-]*:(?:sts|iam)::\d{12}:[\w+=,.@/-]+/.exec(message)?.[0];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) {
    chunks.push(items.slice(index, index + size));
  }
  return chunks;
}

function ascendingUnique(series: Datapoint[]): Datapoint[] {
  series.sort((a, b) => a.at - b.at);
  return series.filter((point, index) => index === 0 || point.at !== series[index - 1]?.at);
}

function describe(specs: readonly SeriesSpec[], id: string): string {
  const spec = specs.find((candidate) => candidate.id === id);
  if (!spec) return id;
  return `${spec.functionName}${spec.operation ? ` ${spec.operation}` : ""} ${spec.metric}`;
}

function messagesOf(messages: readonly { Code?: string; Value?: string }[] | undefined): string {
  const text = (messages ?? []).map((message) => message.Value ?? message.Code ?? "").join("; ");
  return text ? ` (${text})` : "";
}
