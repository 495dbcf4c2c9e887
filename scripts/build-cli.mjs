// Prebuilds the `ops` CLI into build/cli/ops.cjs (run by `npm ci` through the `prepare` script).
// bin/ops.js uses this bundle while it is newer than every file it was built from (listed in
// build/cli/inputs.json) and otherwise runs the sources through tsx, so an edit never runs stale
// code — the bundle only saves start-up time.
// One CommonJS file, not ES modules: each command's code (and the packages it requires: the SQL
// parser, the AWS SDK, …) is initialised only when that command runs, and a CommonJS script can be
// compiled with a V8 code cache (bin/code-cache.js), which Node 20 offers no ES module.
// The PostgreSQL client (pg and its small pure-JS dependencies) is bundled in: resolving and
// loading its ~30 files one by one cost ~25 ms on every database command. Every other package
// stays in node_modules (native binaries, WASM, the AWS SDK).
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { build } from "esbuild";

/** Packages bundled into the CLI; pg's optional native and Cloudflare bindings are not. */
const BUNDLED =
  /^(pg|pg-connection-string|pg-int8|pg-pool|pg-protocol|pg-types|pgpass|postgres-array|postgres-bytea|postgres-date|postgres-interval|split2|xtend)(\/|$)/;

/** Whether an npm package is an ES module only (no CommonJS entry). */
function isEsmOnly(specifier) {
  const name = specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : specifier.split("/")[0];
  try {
    const manifest = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
    return (
      manifest.type === "module" && !JSON.stringify(manifest.exports ?? {}).includes('"require"')
    );
  } catch {
    return false;
  }
}

await rm("build/cli", { recursive: true, force: true });
const result = await build({
  entryPoints: { ops: "cli/main.ts" },
  outdir: "build/cli",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // import() of packages becomes require(): a script compiled with a code cache has no module
  // loader for import() (Node 20 would need an experimental vm option).
  supported: { "dynamic-import": false },
  metafile: true,
  // Less to scan on every start; identifiers keep their names, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  // The sources are ES modules; in the bundle, import.meta.url is the bundle's own URL
  // (build/cli/ is two levels below the package root, as cli/local/ is).
  define: { "import.meta.url": "__opsBundleUrl" },
  banner: { js: 'const __opsBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [
    {
      name: "keep-packages-external",
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          if (BUNDLED.test(args.path)) return undefined;
          if (args.namespace !== "esm-only" && isEsmOnly(args.path))
            return { path: args.path, namespace: "esm-only" };
          return { path: args.path, external: true };
        });
        // Our sources sit in a "type": "module" package, so esbuild gives their imports Node's
        // CommonJS interop (the default import is the whole module) — wrong for a package that
        // is an ES module, which require() returns as a namespace. Re-exported through a module
        // outside that package, it keeps its real default export.
        build.onLoad({ filter: /.*/, namespace: "esm-only" }, (args) => ({
          contents: `export * from ${JSON.stringify(args.path)}; export { default } from ${JSON.stringify(args.path)};`,
          resolveDir: process.cwd(),
        }));
      },
    },
  ],
});
// The project's files the bundle was built from; bundled packages are covered by npm's lockfile.
const inputs = Object.keys(result.metafile.inputs).filter(
  (file) => !file.includes("node_modules/") && !file.startsWith("esm-only:"),
);
await mkdir("build/cli", { recursive: true });
await writeFile(
  "build/cli/inputs.json",
  `${JSON.stringify([...inputs, "node_modules/.package-lock.json"])}\n`,
);
