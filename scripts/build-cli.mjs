// Prebuilds the `ops` CLI into build/cli/ops.mjs (run by `npm ci` through the `prepare` script).
// Only the project's own TypeScript is bundled; packages stay in node_modules. bin/ops.js uses
// this bundle while it is newer than every source file and otherwise runs the sources through tsx,
// so an edit never runs stale code — the bundle only saves tsx's ~0.3 s start-up.
import { build } from "esbuild";

await build({
  entryPoints: ["cli/main.ts"],
  outfile: "build/cli/ops.mjs",
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
