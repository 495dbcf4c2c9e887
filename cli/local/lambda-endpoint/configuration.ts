import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { invalidParameter } from "./api-errors.ts";
import type { LocalFunction } from "./functions.ts";

/** The FunctionConfiguration shape of GetFunctionConfiguration and ListFunctions. */
export type FunctionConfiguration = Record<string, unknown>;

/**
 * The configuration AWS would report for a deployed, active function.
 *
 * @example
 * functionConfiguration(fn, { arn, accountId: "123456789012", lastModified: new Date() });
 */
export function functionConfiguration(
  fn: LocalFunction,
  where: { arn: string; accountId: string; lastModified: Date },
): FunctionConfiguration {
  const code = readFileSync(fn.codeFile);
  return {
    FunctionName: fn.name,
    FunctionArn: where.arn,
    Runtime: fn.runtime,
    Role: `arn:aws:iam::${where.accountId}:role/${fn.name}`,
    Handler: fn.handler,
    CodeSize: code.length,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: where.lastModified.toISOString().replace("Z", "+0000"),
    CodeSha256: createHash("sha256").update(code).digest("base64"),
    Version: "$LATEST",
    Environment: { Variables: { ...fn.environment } },
    TracingConfig: { Mode: "PassThrough" },
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: [fn.architecture],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${fn.name}` },
  };
}

/** AWS returns at most 50 functions per ListFunctions page. */
const MAX_PAGE = 50;

/**
 * One ListFunctions page. `Marker` is the opaque token of the previous page's `NextMarker`;
 * `MaxItems` (1–10000) caps the page, which never holds more than 50.
 *
 * @example
 * listFunctionsPage(configurations, { marker: null, maxItems: "1" }); // { Functions: [first], NextMarker: "…" }
 */
export function listFunctionsPage(
  configurations: readonly FunctionConfiguration[],
  query: { marker: string | null; maxItems: string | null },
): { Functions: FunctionConfiguration[]; NextMarker?: string } {
  const start = query.marker === null ? 0 : decodeMarker(query.marker);
  const size = query.maxItems === null ? MAX_PAGE : pageSize(query.maxItems);
  const end = start + size;
  const page = configurations.slice(start, end);
  return end < configurations.length
    ? { Functions: page, NextMarker: encodeMarker(end) }
    : { Functions: page };
}

function pageSize(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10_000)
    throw invalidParameter("MaxItems", text, "an integer from 1 to 10000");
  return Math.min(value, MAX_PAGE);
}

function encodeMarker(index: number): string {
  return Buffer.from(JSON.stringify({ next: index })).toString("base64url");
}

function decodeMarker(marker: string): number {
  try {
    const { next } = JSON.parse(Buffer.from(marker, "base64url").toString()) as { next?: unknown };
    if (Number.isInteger(next) && (next as number) >= 0) return next as number;
  } catch {
    // reported below
  }
  throw invalidParameter("Marker", marker, "the NextMarker of a previous ListFunctions page");
}
