/**
 * A fake CloudWatch for the analyze action's unit tests: answers GetMetricData from a function of
 * (query, timestamp), with CloudWatch's page limit, so pagination happens as it does in AWS.
 */
import type {
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  MetricDataQuery,
  MetricDataResult,
} from "@aws-sdk/client-cloudwatch";

/** A value for one query at one period start, or undefined for a missing datapoint. */
export type SeriesSource = (query: MetricDataQuery, at: number) => number | undefined;

/**
 * Answers one GetMetricData call: every query's datapoints over the window, at most
 * `pageDatapoints` datapoints per page, the rest behind a NextToken (`offset`); a query cut by a
 * page boundary comes back `PartialData` and continues on the next page.
 */
export function answerGetMetricData(
  input: GetMetricDataCommandInput,
  source: SeriesSource,
  pageDatapoints = 100_800,
): GetMetricDataCommandOutput {
  const queries = input.MetricDataQueries ?? [];
  const start = (input.StartTime as Date).getTime();
  const end = (input.EndTime as Date).getTime();
  const all: { id: string; at: number; value: number }[] = [];
  for (const query of queries) {
    const periodMs = (query.MetricStat?.Period ?? 300) * 1000;
    for (let at = start; at < end; at += periodMs) {
      const value = source(query, at);
      if (value !== undefined) all.push({ id: query.Id as string, at, value });
    }
  }
  const offset = input.NextToken ? Number(input.NextToken) : 0;
  const page = all.slice(offset, offset + pageDatapoints);
  const more = offset + pageDatapoints < all.length;
  const results = new Map<string, MetricDataResult>();
  for (const point of page) {
    const result = results.get(point.id) ?? {
      Id: point.id,
      Label: point.id,
      Timestamps: [],
      Values: [],
      StatusCode: "Complete",
    };
    result.Timestamps?.push(new Date(point.at));
    result.Values?.push(point.value);
    results.set(point.id, result);
  }
  const last = page.at(-1);
  if (more && last && all[offset + pageDatapoints]?.id === last.id) {
    (results.get(last.id) as MetricDataResult).StatusCode = "PartialData";
  }
  // Queries without any datapoint still come back, empty and Complete, on the first page.
  if (offset === 0) {
    for (const query of queries) {
      if (!all.some((point) => point.id === query.Id)) {
        results.set(query.Id as string, {
          Id: query.Id,
          Label: query.Id,
          Timestamps: [],
          Values: [],
          StatusCode: "Complete",
        });
      }
    }
  }
  return {
    MetricDataResults: [...results.values()],
    ...(more ? { NextToken: String(offset + pageDatapoints) } : {}),
    Messages: [],
    $metadata: {},
  };
}

/** A steady series with a little deterministic noise. */
export function steady(level: number, at: number): number {
  const phase = Math.sin(at / 1_234_567) * 0.5 + Math.cos(at / 345_678) * 0.5;
  return level + level * 0.05 * phase;
}
