#!/usr/bin/env node
// The `ops` command. Runs the prebuilt bundle (build/cli/ops.cjs, made by `npm ci`) while it is
// up to date, else the TypeScript sources through tsx — so it works right after `npm ci` and
// never runs stale code after an edit. (CommonJS: bin/package.json says so.)
const { statSync } = require("node:fs");
const path = require("node:path");
const { bundleIsFresh } = require("./bundle-freshness.js");
const { cacheNameFor, loadWithCodeCache } = require("./code-cache.js");

const root = `${path.resolve(__dirname, "..")}${path.sep}`;
const argv = process.argv.slice(2);

// Node.js 21+ defines `navigator`; on Node.js 20 `pg` probes for Cloudflare Workers through the
// `Response` global instead, which loads the whole fetch implementation (~20–40 ms per command).
// Give Node 20 the same `navigator.userAgent` later versions have.
if (!("navigator" in globalThis)) {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node.split(".")[0]}` };
}

async function run() {
  if (!process.env.OPS_NO_BUNDLE && bundleIsFresh(root)) {
    const bundle = `${root}build/cli/ops.cjs`;
    // V8 checks a cache against the source's length only: the bundle's build time is in the name.
    const built = Math.trunc(statSync(bundle).mtimeMs);
    const cacheFile = `${bundle}.${cacheNameFor(argv)}.${built}.v8cache`;
    const { exports, save } = loadWithCodeCache(bundle, cacheFile);
    const code = await exports.main(argv);
    save();
    return code;
  }
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../cli/main.ts");
  return main(argv);
}

// Exit explicitly with the command's code: a stray handle (a socket, a timer) must not keep the CLI alive.
run().then((code) => process.exit(code));
