import { describe, expect, it } from "vitest";
import { parseEvent } from "../../lambdas/kit/envelope.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { SignatureVerifier, signEvent } from "../../lambdas/kit/signing.ts";

const KEY = "test-signing-key-0123456789";
const OPERATIONS = ["migrate"];
const NOW = 1_764_000_000_000;

function signed(overrides: Record<string, unknown> = {}, at = NOW) {
  const event = {
    operation: "migrate",
    params: { to: "20240101120000" },
    requestId: "run-1-1",
    context: { actor: "octocat", environment: "staging", source: "github-actions" as const },
    ...overrides,
  };
  return signEvent(event, KEY, { now: () => at });
}

function rejectionOf(verifier: SignatureVerifier, raw: unknown): string | undefined {
  try {
    const event = parseEvent(raw, OPERATIONS);
    verifier.verify(raw as never, event.auth);
    return undefined;
  } catch (error) {
    expect((error as OpsError).code).toBe("UNAUTHORIZED");
    return (error as OpsError).message;
  }
}

describe("SignatureVerifier", () => {
  it("accepts a correctly signed event", () => {
    const verifier = new SignatureVerifier(KEY, () => NOW);
    expect(rejectionOf(verifier, signed())).toBeUndefined();
  });

  it.each([
    [
      "params changed after signing",
      (e: ReturnType<typeof signed>) => ({ ...e, params: { to: "1" } }),
    ],
    [
      "operation context changed",
      (e: ReturnType<typeof signed>) => ({
        ...e,
        context: { ...e.context, environment: "production" },
      }),
    ],
    ["dryRun flipped", (e: ReturnType<typeof signed>) => ({ ...e, dryRun: true })],
    [
      "another key",
      () => signEvent({ operation: "migrate" }, "other-key-0123456789", { now: () => NOW }),
    ],
  ])("rejects an event with %s", (_case, tamper) => {
    const verifier = new SignatureVerifier(KEY, () => NOW);
    expect(rejectionOf(verifier, tamper(signed()))).toMatch(/does not match/);
  });

  it("rejects an unsigned event", () => {
    const verifier = new SignatureVerifier(KEY, () => NOW);
    expect(rejectionOf(verifier, { operation: "migrate" })).toMatch(/not signed/);
  });

  it("rejects a signature older than five minutes", () => {
    const verifier = new SignatureVerifier(KEY, () => NOW + 301_000);
    expect(rejectionOf(verifier, signed())).toMatch(/301 s old/);
  });

  it("rejects a replayed nonce but accepts a fresh one", () => {
    const verifier = new SignatureVerifier(KEY, () => NOW);
    const event = signed();
    expect(rejectionOf(verifier, event)).toBeUndefined();
    expect(rejectionOf(verifier, event)).toMatch(/replay/);
    expect(rejectionOf(verifier, signed())).toBeUndefined();
  });

  it("raises OpsError, not a generic error", () => {
    const verifier = new SignatureVerifier(KEY, () => NOW);
    expect(() => verifier.verify({ operation: "migrate" }, undefined)).toThrow(OpsError);
  });
});

describe("SignatureVerifier with operations exempt from signing", () => {
  const verifier = () => new SignatureVerifier(KEY, () => NOW, ["check"]);

  it("accepts an unsigned event for an exempt operation only", () => {
    const v = verifier();
    expect(() => v.verify({ operation: "check" }, undefined)).not.toThrow();
    expect(() => v.verify({ operation: "migrate" }, undefined)).toThrow(/not signed/);
  });

  it("still checks a signature that an exempt operation carries", () => {
    const forged = signEvent({ operation: "check" }, "another-key-0123456789", { now: () => NOW });
    expect(() => verifier().verify(forged, forged.auth)).toThrow(/does not match/);
  });
});
