#!/usr/bin/env node
// The `ops` command. Runs the prebuilt bundle (build/cli/ops.mjs, made by `npm ci`) while it is
// up to date, else the TypeScript sources through tsx — so it works right after `npm ci` and
// never runs stale code after an edit.
import { fileURLToPath } from "node:url";
import { bundleIsFresh } from "./bundle-freshness.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = `${root}build/cli/ops.mjs`;

// Node.js 21+ defines `navigator`; on Node.js 20 `pg` probes for Cloudflare Workers through the
// `Response` global instead, which loads the whole fetch implementation (~20–40 ms per command).
// Give Node 20 the same `navigator.userAgent` later versions have.
if (!("navigator" in globalThis)) {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node.split(".")[0]}` };
}

let main;
if (!process.env.OPS_NO_BUNDLE && bundleIsFresh(root)) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
const code = await main(process.argv.slice(2));
// Exit explicitly with the command's code: a stray handle (a socket, a timer) must not keep the CLI alive.
process.exit(code);
