import { describe, expect, it } from "vitest";
import {
  declaredFunctions,
  environmentNames,
  lambdaFolders,
  namedBlocks,
  parseTerraformFiles,
  readJson,
} from "./infra-hcl.ts";

const functions = declaredFunctions();
const functionEntries = Object.entries(functions);

describe("infra/functions.auto.tfvars.json", () => {
  it("declares exactly the functions under lambdas/", () => {
    expect(Object.keys(functions).sort()).toEqual(lambdaFolders());
  });

  it.each(functionEntries)("gives %s a handler that its bundle exports", async (key, fn) => {
    // The build writes build/lambdas/<key>/index.mjs re-exporting lambdas/<key>/handler.ts.
    const [module, exportName] = fn.handler.split(".");
    expect(module).toBe("index");
    const source = (await import(`../../lambdas/${key}/handler.ts`)) as Record<string, unknown>;
    expect(typeof source[exportName ?? ""]).toBe("function");
  });

  it.each(functionEntries)("keeps %s within Lambda's limits", (_key, fn) => {
    expect(fn.timeout).toBeGreaterThanOrEqual(1);
    expect(fn.timeout).toBeLessThanOrEqual(900);
    expect(fn.memory_size).toBeGreaterThanOrEqual(128);
    expect(fn.memory_size).toBeLessThanOrEqual(10_240);
    expect(["arm64", "x86_64"]).toContain(fn.architecture ?? "arm64");
    if (fn.reserved_concurrency !== undefined && fn.reserved_concurrency !== null)
      expect(fn.reserved_concurrency).toBeGreaterThanOrEqual(0);
  });

  it.each(functionEntries)("passes %s no secret values, only secret ARNs", (_key, fn) => {
    for (const name of Object.keys(fn.environment ?? {}))
      expect(name).not.toMatch(/PASSWORD|DATABASE_URL|SIGNING_KEY|TOKEN/);
  });
});

describe("infra/environments", () => {
  it("has dev, staging, production and the local stack's environment", () => {
    expect(environmentNames()).toEqual(["dev", "local", "production", "staging"]);
  });

  it.each(environmentNames())("%s names itself, its name prefix and its region", (name) => {
    const env = readJson(`environments/${name}.tfvars.json`);
    expect(env.environment).toBe(name);
    expect(env.name_prefix).toMatch(/^[a-z0-9-]+-$/);
    expect(env.region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
  });

  it("gives every environment its own name prefix", () => {
    const prefixes = environmentNames().map(
      (name) => readJson(`environments/${name}.tfvars.json`).name_prefix,
    );
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it("lets production workflows assume the GitHub role only from the production environment", () => {
    expect(readJson("environments/production.tfvars.json").github_environment).toBe("production");
  });

  it.each([
    "functions.auto.tfvars.json",
    ...environmentNames().map((name) => `environments/${name}.tfvars.json`),
  ])("sets only declared Terraform variables in %s", async (file) => {
    const declared = new Set(
      namedBlocks(
        (await parseTerraformFiles()).filter((f) => !f.name.includes("/")),
        "variable",
      ).map((v) => v.name),
    );
    for (const key of Object.keys(readJson(file))) expect(declared, key).toContain(key);
  });
});
