import { describe, expect, it } from "vitest";
import { describeError } from "../../lambdas/health-check/describe-error.ts";
import { displayUrl, redactSecret } from "../../lambdas/health-check/redact.ts";

describe("secrets stay out of health-check messages", () => {
  it("shows a URL without credentials or query values", () => {
    expect(displayUrl(new URL("https://bot:pw@api.example.com:8443/health?token=t&x=1#frag"))).toBe(
      "https://api.example.com:8443/health?token=…&x=…",
    );
  });

  it.each([
    ["pa%24s", "auth failed for pa$s and pa%24s"],
    ["plain", "auth failed for plain"],
  ])("redacts the secret %s as given and percent-decoded", (secret, text) => {
    expect(redactSecret(text, secret)).not.toMatch(/pa\$s|pa%24s|plain/);
  });

  it("describes a refused dual-stack connect (an AggregateError with no message)", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED ::1:5432"), {
      code: "ECONNREFUSED",
    });
    const error = Object.assign(new AggregateError([inner], ""), { code: "ECONNREFUSED" });

    expect(describeError(error)).toBe("connect ECONNREFUSED ::1:5432");
  });

  it("prefixes the code when the message does not carry it", () => {
    const error = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

    expect(describeError(error)).toBe("ECONNRESET: socket hang up");
  });
});
