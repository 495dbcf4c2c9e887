// Prebuilds the `ops` CLI into build/cli/ (run by `npm ci` through the `prepare` script).
// Only the project's own TypeScript is bundled; packages stay in node_modules. bin/ops.js uses
// this bundle while it is newer than every source file and otherwise runs the sources through tsx,
// so an edit never runs stale code — the bundle only saves tsx's start-up.
// Code splitting keeps each command's imports (pg, the SQL parser, the AWS SDK, …) in its own
// chunk, loaded only when that command runs.
import { rm } from "node:fs/promises";
import { build } from "esbuild";

await rm("build/cli", { recursive: true, force: true });
await build({
  entryPoints: { ops: "cli/main.ts" },
  outdir: "build/cli",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
