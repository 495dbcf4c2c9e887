import type pg from "pg";
import type { Thresholds } from "./thresholds.ts";

export type CheckStatus = "ok" | "warn" | "fail";

/** A value a check measured or compared against; `null` when it could not be measured. */
export type Measurement = number | string | boolean | null;

/** The outcome of one health check, as it appears in `data.checks` of the result envelope. */
export interface Check {
  /** Stable name, e.g. `database.connections` or the endpoint's name. */
  readonly name: string;
  readonly status: CheckStatus;
  readonly measured: Readonly<Record<string, Measurement>>;
  readonly thresholds: Readonly<Record<string, Measurement>>;
  /** What was found; when not ok, also what is wrong and what to do. Never holds a secret. */
  readonly message: string;
}

/** A JSON field of an endpoint's response body to check: present, and equal to `equals` if given. */
export interface JsonAssertion {
  /** Dot-separated path into the body, e.g. `build.version` or `items.0.id`. */
  readonly path: string;
  /** The expected value (deep equality); when absent only the field's presence is checked. */
  readonly equals?: unknown;
}

/** An HTTP(S) endpoint as given in `params.endpoints` or the `HEALTH_ENDPOINTS` variable. */
export interface EndpointSpec {
  /** Check name; defaults to the URL without credentials or query. */
  readonly name?: string;
  readonly url: string;
  /** Expected HTTP status. Default 200. */
  readonly expectStatus?: number;
  /** Warn above this latency, fail above twice it. Default 1000 ms. */
  readonly latencyBudgetMs?: number;
  readonly json?: JsonAssertion;
  /** Shorthand for `json: { path: "version", equals: version }`. */
  readonly version?: string;
  /** Give up (and fail) after this long. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** An endpoint after validation, with defaults applied. */
export interface Endpoint {
  readonly name: string;
  readonly url: URL;
  /** The URL safe to show: no credentials, no query values. */
  readonly displayUrl: string;
  readonly expectStatus: number;
  readonly latencyBudgetMs: number;
  readonly timeoutMs: number;
  readonly assertions: readonly JsonAssertion[];
}

/** What `runHealthCheck` checks, after validation. */
export interface HealthCheckRequest {
  readonly endpoints: readonly Endpoint[];
  readonly thresholds: Thresholds;
  /** How many endpoints are requested at the same time. */
  readonly concurrency: number;
}

/** A finished HTTP exchange: what the endpoint checks grade. */
export interface HttpResponseSample {
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body as text, cut at 1 MiB. */
  readonly body: string;
  /** The server's TLS certificate (https only), read from the same connection. */
  readonly certificate?: PeerCertificate;
}

export interface PeerCertificate {
  /** Expiry as the certificate states it, e.g. `Mar  3 12:00:00 2026 GMT`. */
  readonly validTo: string;
  readonly subject: string | undefined;
}

export interface HttpRequestOptions {
  readonly timeoutMs: number;
  /** PEM certificates to trust in addition to Node's root store. */
  readonly trustedCa?: readonly string[];
}

/** Sends one GET and reads the whole response. Rejects on network, TLS or timeout errors. */
export type HttpRequest = (url: URL, options: HttpRequestOptions) => Promise<HttpResponseSample>;

/** What `runHealthCheck` needs besides its params. Everything but `database` has a real default. */
export interface HealthCheckDeps {
  /** The database to check; omitted → no database checks. Timeouts default to a few seconds. */
  readonly database?: pg.ClientConfig;
  /** Environment holding `HEALTH_ENDPOINTS` (a JSON array of endpoints). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Wall clock in epoch ms, used for latencies and certificate expiry. Default `Date.now`. */
  readonly now?: () => number;
  /** Default: one real `node:http` / `node:https` request per endpoint. */
  readonly request?: HttpRequest;
  /** PEM certificates trusted in addition to Node's root store (private CAs; tests). */
  readonly trustedCa?: readonly string[];
}

export interface HealthCheckData extends Record<string, unknown> {
  readonly checks: readonly Check[];
  readonly counts: Readonly<Record<CheckStatus, number>>;
  /** When the checks started (ISO-8601). */
  readonly checkedAt: string;
}

export interface HealthCheckOutcome {
  readonly summary: string;
  readonly data: HealthCheckData;
  readonly warnings: string[];
}
