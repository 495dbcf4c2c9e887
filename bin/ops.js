#!/usr/bin/env node
// The `ops` command. Runs the prebuilt bundle (build/cli/ops.mjs, made by `npm ci`) while it is
// up to date, else the TypeScript sources through tsx — so it works right after `npm ci` and
// never runs stale code after an edit.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = `${root}build/cli/ops.mjs`;

function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return ["cli", "lambdas", "analytics", "actions"].every((dir) => {
      try {
        return newestSourceMs(`${root}${dir}`) <= built;
      } catch {
        return true;
      }
    });
  } catch {
    return false;
  }
}

// Node.js 21+ defines `navigator`; on Node.js 20 `pg` probes for Cloudflare Workers through the
// `Response` global instead, which loads the whole fetch implementation (~20–40 ms per command).
// Give Node 20 the same `navigator.userAgent` later versions have.
if (!("navigator" in globalThis)) {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node.split(".")[0]}` };
}

let main;
if (!process.env.OPS_NO_BUNDLE && bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
const code = await main(process.argv.slice(2));
// Exit explicitly with the command's code: a stray handle (a socket, a timer) must not keep the CLI alive.
process.exit(code);
