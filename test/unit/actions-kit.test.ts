import { describe, expect, it } from "vitest";
import { resolveFunction } from "../../actions/kit/functions.ts";
import { jsonOutput, tailOf } from "../../actions/kit/outputs.ts";
import { MAX_SUMMARY_BYTES, SummaryBuilder } from "../../actions/kit/summary.ts";

describe("jsonOutput", () => {
  const result = {
    ok: false,
    function: "migration",
    operation: "migrate",
    requestId: "r-1",
    summary: "Migration failed",
    data: { rows: "x".repeat(10_000) },
    error: {
      code: "MIGRATION_FAILED",
      message: "boom",
      hint: "fix it",
      details: { big: "y".repeat(5_000) },
    },
    warnings: [],
  };

  it("keeps a result that fits as it is", () => {
    expect(JSON.parse(jsonOutput(result))).toEqual(result);
  });

  it.each([
    [12_000, ["ok", "error", "summary", "warnings"], ["data"]],
    [1_000, ["ok", "requestId", "error"], ["data", "warnings"]],
    [200, ["ok", "requestId"], ["data", "error"]],
  ])("cuts a result to %d bytes as valid JSON that says it was cut", (max, kept, dropped) => {
    const text = jsonOutput(result, max);

    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(max);
    const parsed = JSON.parse(text);
    expect(parsed).toMatchObject({ truncated: true, originalBytes: JSON.stringify(result).length });
    for (const key of kept) expect(parsed).toHaveProperty(key);
    for (const key of dropped) expect(parsed).not.toHaveProperty(key);
  });

  it("cuts a value that is not an envelope to a preview", () => {
    const parsed = JSON.parse(jsonOutput("z".repeat(100_000), 10_000));

    expect(parsed.truncated).toBe(true);
    expect(parsed.preview).toHaveLength(4096);
  });
});

describe("tailOf", () => {
  it("keeps the end of a long text without splitting a character", () => {
    const text = `${"é".repeat(1000)}\nlast line`;

    const tail = tailOf(text, 301);

    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(301);
    expect(tail.endsWith("last line")).toBe(true);
    expect(tail).toMatch(/^\[… \d+ bytes cut\]\n/);
    expect(tail).not.toContain("\uFFFD");
  });
});

describe("SummaryBuilder", () => {
  it("escapes data so it cannot inject Markdown or HTML", () => {
    const markdown = new SummaryBuilder()
      .table([["Summary", "<script>x</script> | *bold*\nnext"]])
      .render();

    expect(markdown).toContain("&lt;script&gt;x&lt;/script&gt; \\| \\*bold\\*<br>next");
  });

  it("fences a collapsed block longer than any backtick run inside it", () => {
    const markdown = new SummaryBuilder().collapsed("Log tail", "a ``` b ```` c").render();

    expect(markdown).toContain("<details><summary>Log tail</summary>");
    expect(markdown).toContain("`````\na ``` b ```` c\n`````");
  });

  it("stays under the 1 MiB limit by cutting the collapsed blocks from their start", () => {
    const log = `${"old line\n".repeat(200_000)}newest line`;
    const markdown = new SummaryBuilder()
      .heading("Invoke")
      .table([["Outcome", "failed"]])
      .collapsed("Log tail", log)
      .collapsed("Result", "{}".repeat(300_000), "json")
      .render();

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(markdown).toContain("| **Outcome** | failed |");
    expect(markdown).toContain("newest line");
    expect(markdown).toMatch(/\[… first \d+ bytes left out: the summary limit is 1 MiB\]/);
  });

  it("cuts even fixed sections when nothing else is left", () => {
    const markdown = new SummaryBuilder().paragraph("w".repeat(2 * 1024 * 1024)).render();

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(markdown).toContain("the rest was left out");
  });
});

describe("resolveFunction", () => {
  it.each([
    ["migration", "production", "ops-production-migration"],
    ["health-check", "local", "ops-local-health-check"],
    ["ops-staging-migration", undefined, "ops-staging-migration"],
    ["ops-staging-migration:live", undefined, "ops-staging-migration:live"],
    [
      "123456789012:function:ops-staging-migration",
      undefined,
      "123456789012:function:ops-staging-migration",
    ],
  ])("resolves %s (environment %s) to %s", (given, environment, name) => {
    expect(resolveFunction(given, environment).functionName).toBe(name);
  });
});

describe("bundled environments", () => {
  it("include every environment under infra/environments/", async () => {
    const { readdir } = await import("node:fs/promises");
    const { ENVIRONMENTS } = await import("../../actions/kit/environments.ts");
    const files = (await readdir(new URL("../../infra/environments/", import.meta.url)))
      .filter((file) => file.endsWith(".tfvars.json"))
      .map((file) => file.replace(".tfvars.json", ""));
    expect(Object.keys(ENVIRONMENTS).sort()).toEqual(files.sort());
  });
});
