// Imports every built Lambda bundle in a fresh process, serves a warm-up ping, then runs one real
// operation without a database (a handled failure): a green build can still hide a runtime
// `require` error, and each function's code is in a chunk loaded on its first real invocation.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const OPERATION = { migration: "status", "health-check": "check" };

const bundles = readdirSync("build/lambdas", { withFileTypes: true }).filter((entry) =>
  entry.isDirectory(),
);
for (const { name } of bundles) {
  const script = `
    const m = await import("./build/lambdas/${name}/index.mjs");
    const ping = await m.handler({ warmup: true });
    if (!ping.ok) throw new Error(JSON.stringify(ping));
    const result = await m.handler({ operation: "${OPERATION[name] ?? "status"}" });
    if (typeof result.ok !== "boolean" || (!result.ok && !result.error?.code)) throw new Error(JSON.stringify(result));
    console.error("${name}: warm-up ok; ${OPERATION[name]} → " + (result.ok ? "ok" : result.error.code));`;
  const env = {
    ...process.env,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
  delete env.DATABASE_URL;
  execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
}
