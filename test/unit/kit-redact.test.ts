import { describe, expect, it } from "vitest";
import { redactText, redactValue, registerSecret } from "../../lambdas/kit/redact.ts";

describe("redaction", () => {
  it.each([
    [
      "a URL's password",
      "connect postgres://app:hunter2@db:5432/app",
      "connect postgres://app:[REDACTED]@db:5432/app",
    ],
    [
      "a libpq password pair",
      "host=db password=hunter2 user=app",
      "host=db password=[REDACTED] user=app",
    ],
    [
      "a quoted password pair",
      "password='hun ter2' sslmode=require",
      "password=[REDACTED] sslmode=require",
    ],
    ["text without credentials", "Applied 3 migrations in 1.2 s", "Applied 3 migrations in 1.2 s"],
  ])("hides %s", (_case, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it("hides a registered secret wherever it appears", () => {
    registerSecret("s3cr3t-token-value");
    expect(redactText("token s3cr3t-token-value and again s3cr3t-token-value")).toBe(
      "token [REDACTED] and again [REDACTED]",
    );
  });

  it("blanks fields whose name says they hold a secret, at any depth", () => {
    expect(
      redactValue({ a: { password: "x", apiKey: "y", note: "ok" }, list: [{ token: "z" }] }),
    ).toEqual({
      a: { password: "[REDACTED]", apiKey: "[REDACTED]", note: "ok" },
      list: [{ token: "[REDACTED]" }],
    });
  });

  it("copies only what it changes: the input stays intact, clean parts are shared", () => {
    const clean = { version: "20240101000000", name: "create_users", durationMs: 3 };
    const input = {
      applied: [clean],
      target: { url: "postgres://app:hunter2@db/app", port: 5432 },
      items: ["ok", "password=hunter2"],
    };
    const output = redactValue(input);
    expect(output).toEqual({
      applied: [clean],
      target: { url: "postgres://app:[REDACTED]@db/app", port: 5432 },
      items: ["ok", "password=[REDACTED]"],
    });
    expect(input.target.url).toBe("postgres://app:hunter2@db/app");
    expect(input.items[1]).toBe("password=hunter2");
    expect(output.applied).toBe(input.applied);
    expect(redactValue(clean)).toBe(clean);
  });

  it("still turns errors into plain records and cuts cycles", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    expect(redactValue({ error: new Error("password=hunter2"), loop })).toEqual({
      error: { name: "Error", message: "password=[REDACTED]" },
      loop: { name: "loop", self: "[Circular]" },
    });
  });
});
