// Imports every built Lambda bundle in a fresh process and serves a warm-up ping: a green build
// can still hide a runtime `require` error.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const bundles = readdirSync("build/lambdas", { withFileTypes: true }).filter((entry) =>
  entry.isDirectory(),
);
for (const { name } of bundles) {
  const script = `const m = await import("./build/lambdas/${name}/index.mjs"); const r = await m.handler({ warmup: true }); if (!r.ok) throw new Error(JSON.stringify(r)); console.log("${name}: warm-up ok");`;
  execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" });
}
