import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bundleIsFresh } from "../../bin/bundle-freshness.js";

/** A package root with a bundle built at t=2000 s from cli/main.ts and lambdas/kit/redact.ts. */
async function builtPackage(): Promise<string> {
  const root = `${await mkdtemp(path.join(tmpdir(), "ops-bundle-"))}/`;
  await mkdir(`${root}build/cli`, { recursive: true });
  await mkdir(`${root}cli`);
  await mkdir(`${root}lambdas/kit`, { recursive: true });
  await writeFile(`${root}cli/main.ts`, "export {};\n");
  await writeFile(`${root}lambdas/kit/redact.ts`, "export {};\n");
  await writeFile(`${root}build/cli/ops.cjs`, "export {};\n");
  await writeFile(
    `${root}build/cli/inputs.json`,
    JSON.stringify(["cli/main.ts", "lambdas/kit/redact.ts"]),
  );
  for (const file of ["cli/main.ts", "lambdas/kit/redact.ts"])
    await utimes(`${root}${file}`, 1000, 1000);
  await utimes(`${root}build/cli/ops.cjs`, 2000, 2000);
  return root;
}

describe("the CLI bundle's freshness", () => {
  it("is fresh while every input is older than the bundle", async () => {
    expect(bundleIsFresh(await builtPackage())).toBe(true);
  });

  it("is stale once any input is edited after the build", async () => {
    const root = await builtPackage();
    await utimes(`${root}lambdas/kit/redact.ts`, 3000, 3000);
    expect(bundleIsFresh(root)).toBe(false);
  });

  it("is stale when an input was deleted, the list is missing or unreadable, or there is no bundle", async () => {
    const deleted = await builtPackage();
    await rm(`${deleted}cli/main.ts`);
    expect(bundleIsFresh(deleted)).toBe(false);

    const unlisted = await builtPackage();
    await rm(`${unlisted}build/cli/inputs.json`);
    expect(bundleIsFresh(unlisted)).toBe(false);

    const garbled = await builtPackage();
    await writeFile(`${garbled}build/cli/inputs.json`, "{not json");
    expect(bundleIsFresh(garbled)).toBe(false);

    const unbuilt = await builtPackage();
    await rm(`${unbuilt}build/cli/ops.cjs`);
    expect(bundleIsFresh(unbuilt)).toBe(false);
  });

  it("lists what this repository's build really read, lockfile included", async () => {
    const { readFile } = await import("node:fs/promises");
    const inputs: string[] = JSON.parse(await readFile("build/cli/inputs.json", "utf8"));
    expect(inputs).toContain("cli/main.ts");
    expect(inputs).toContain("lambdas/migration/status.ts");
    expect(inputs).toContain("node_modules/.package-lock.json");
    expect(inputs.some((file) => file.startsWith("node_modules/pg"))).toBe(false);
  });
});
