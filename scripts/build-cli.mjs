// Prebuilds the `ops` CLI into build/cli/ (run by `npm ci` through the `prepare` script).
// bin/ops.js uses this bundle while it is newer than every file it was built from (listed in
// build/cli/inputs.json) and otherwise runs the sources through tsx, so an edit never runs stale
// code — the bundle only saves start-up time.
// Code splitting keeps each command's imports (the SQL parser, the AWS SDK, …) in its own chunk,
// loaded only when that command runs.
// The PostgreSQL client (pg and its small pure-JS dependencies) is bundled in: resolving and
// loading its ~30 CommonJS files one by one cost ~25 ms on every database command. Every other
// package stays in node_modules (native binaries, WASM, the AWS SDK).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { build } from "esbuild";

/** Packages bundled into the CLI; pg's optional native and Cloudflare bindings are not. */
const BUNDLED =
  /^(pg|pg-connection-string|pg-int8|pg-pool|pg-protocol|pg-types|pgpass|postgres-array|postgres-bytea|postgres-date|postgres-interval|split2|xtend)(\/|$)/;

await rm("build/cli", { recursive: true, force: true });
const result = await build({
  entryPoints: { ops: "cli/main.ts" },
  outdir: "build/cli",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  metafile: true,
  // Less to scan on every start; identifiers keep their names, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  // Bundled CommonJS calls require() for Node's built-ins; ESM has none, so give it one.
  banner: {
    js: 'import { createRequire as __opsCreateRequire } from "node:module"; const require = __opsCreateRequire(import.meta.url);',
  },
  plugins: [
    {
      name: "keep-packages-external",
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) =>
          BUNDLED.test(args.path) ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
// The project's files the bundle was built from; bundled packages are covered by npm's lockfile.
const inputs = Object.keys(result.metafile.inputs).filter(
  (file) => !file.includes("node_modules/"),
);
await mkdir("build/cli", { recursive: true });
await writeFile(
  "build/cli/inputs.json",
  `${JSON.stringify([...inputs, "node_modules/.package-lock.json"])}\n`,
);
