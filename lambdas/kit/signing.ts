import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EventAuth } from "./envelope.ts";
import { OpsError } from "./errors.ts";

/** How old (or how far in the future) a signed event may be. */
export const SIGNATURE_MAX_AGE_SECONDS = 300;

/** The fields a signature covers. */
export interface SignableEvent {
  readonly operation: string;
  readonly params?: Record<string, unknown>;
  readonly dryRun?: boolean;
  readonly requestId?: string;
  readonly context?: object;
}

/**
 * Canonical form of an envelope for signing: the covered fields plus `ts` and `nonce`, as JSON with
 * keys sorted at every level and no whitespace. Sender and receiver compute it the same way.
 */
export function canonicalEnvelope(event: SignableEvent, ts: number, nonce: string): string {
  return canonicalJson({
    operation: event.operation,
    params: event.params ?? {},
    dryRun: event.dryRun ?? false,
    requestId: event.requestId ?? null,
    context: event.context ?? null,
    ts,
    nonce,
  });
}

/**
 * Adds an `auth` block (HMAC-SHA256 over the canonical envelope) to an event.
 *
 * @example
 * const signed = signEvent({ operation: "migrate", requestId: "run-1-1" }, key);
 */
export function signEvent<E extends SignableEvent>(
  event: E,
  key: string,
  options: { now?: () => number; nonce?: string } = {},
): E & { auth: EventAuth } {
  const ts = Math.floor((options.now ?? Date.now)() / 1000);
  const nonce = options.nonce ?? randomBytes(16).toString("hex");
  const sig = hmac(key, canonicalEnvelope(event, ts, nonce));
  return { ...event, auth: { ts, nonce, sig } };
}

/**
 * Checks events against a signing key: a valid signature, at most five minutes old, and a nonce
 * this verifier (one per Lambda container) has not seen. Failures are `UNAUTHORIZED`.
 */
export class SignatureVerifier {
  readonly #key: string;
  readonly #now: () => number;
  readonly #unsignedOperations: ReadonlySet<string>;
  readonly #seenNonces = new Map<string, number>();

  /**
   * @param unsignedOperations operations accepted without a signature (e.g. a read-only `check`
   *   that a schedule, which cannot sign, invokes); a signature that is present is still checked.
   */
  constructor(
    key: string,
    now: () => number = Date.now,
    unsignedOperations: Iterable<string> = [],
  ) {
    this.#key = key;
    this.#now = now;
    this.#unsignedOperations = new Set(unsignedOperations);
  }

  /**
   * Verifies the event as it was sent (before defaults are filled in), with its validated `auth`.
   */
  verify(event: SignableEvent, auth: EventAuth | undefined): void {
    if (!auth && this.#unsignedOperations.has(event.operation)) return;
    if (!auth) throw unauthorized("the event is not signed and this function requires signatures");
    const nowSeconds = Math.floor(this.#now() / 1000);
    if (Math.abs(nowSeconds - auth.ts) > SIGNATURE_MAX_AGE_SECONDS) {
      throw unauthorized(
        `the signature is ${nowSeconds - auth.ts} s old (at most ${SIGNATURE_MAX_AGE_SECONDS} s)`,
      );
    }
    const expected = Buffer.from(
      hmac(this.#key, canonicalEnvelope(event, auth.ts, auth.nonce)),
      "hex",
    );
    const given = Buffer.from(auth.sig, "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized("the signature does not match the event");
    }
    this.#forgetExpired(nowSeconds);
    if (this.#seenNonces.has(auth.nonce)) throw unauthorized("the nonce was already used (replay)");
    this.#seenNonces.set(auth.nonce, auth.ts + SIGNATURE_MAX_AGE_SECONDS);
  }

  #forgetExpired(nowSeconds: number): void {
    for (const [nonce, expiresAt] of this.#seenNonces) {
      if (expiresAt < nowSeconds - SIGNATURE_MAX_AGE_SECONDS) this.#seenNonces.delete(nonce);
    }
  }
}

function unauthorized(reason: string): OpsError {
  return new OpsError("UNAUTHORIZED", `Rejected: ${reason}.`, {
    hint: "Sign the event with the function's signing key (the invoke action's 'signing-key' input) and send it within 5 minutes.",
  });
}

function hmac(key: string, text: string): string {
  return createHmac("sha256", key).update(text).digest("hex");
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
