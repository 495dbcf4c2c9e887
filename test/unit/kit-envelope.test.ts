import { describe, expect, it } from "vitest";
import { parseEvent } from "../../lambdas/kit/envelope.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";

const OPERATIONS = ["status", "migrate"];

function fieldOf(raw: unknown): string | undefined {
  try {
    parseEvent(raw, OPERATIONS);
  } catch (error) {
    expect(error).toBeInstanceOf(OpsError);
    expect((error as OpsError).code).toBe("INVALID_REQUEST");
    return (error as OpsError).details.field as string;
  }
  return undefined;
}

describe("parseEvent", () => {
  it("accepts a minimal event and fills in defaults", () => {
    const event = parseEvent({ operation: "status" }, OPERATIONS);
    expect(event).toMatchObject({ operation: "status", params: {}, dryRun: false });
    expect(event.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.context).toEqual({ actor: "unknown", environment: "unknown", source: "cli" });
  });

  it("keeps the caller's requestId and context", () => {
    const event = parseEvent(
      {
        operation: "migrate",
        requestId: "run-42-1",
        context: {
          actor: "octocat",
          environment: "staging",
          source: "github-actions",
          runUrl: "https://x/1",
        },
      },
      OPERATIONS,
    );
    expect(event.requestId).toBe("run-42-1");
    expect(event.context).toEqual({
      actor: "octocat",
      environment: "staging",
      source: "github-actions",
      runUrl: "https://x/1",
    });
  });

  it.each([
    ["a non-object event", "migrate", "event"],
    ["a missing operation", {}, "operation"],
    ["an unknown operation", { operation: "drop-everything" }, "operation"],
    ["params that are not an object", { operation: "status", params: [1] }, "params"],
    ["a non-boolean dryRun", { operation: "status", dryRun: "yes" }, "dryRun"],
    ["a requestId with spaces", { operation: "status", requestId: "a b" }, "requestId"],
    ["an unknown source", { operation: "status", context: { source: "email" } }, "context.source"],
    ["a numeric actor", { operation: "status", context: { actor: 7 } }, "context.actor"],
    [
      "a short nonce",
      { operation: "status", auth: { ts: 1, nonce: "x", sig: "0".repeat(64) } },
      "auth.nonce",
    ],
    [
      "a malformed signature",
      { operation: "status", auth: { ts: 1, nonce: "n".repeat(16), sig: "zz" } },
      "auth.sig",
    ],
  ])("rejects %s naming the field", (_case, raw, field) => {
    expect(fieldOf(raw)).toBe(field);
  });

  it("says which operations exist when the operation is unknown", () => {
    expect(() => parseEvent({ operation: "nope" }, OPERATIONS)).toThrow(
      /one of status \| migrate, got 'nope'/,
    );
  });
});
