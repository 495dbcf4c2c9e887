// Whether the CLI's prebuilt bundle may run: used by bin/ops.js before anything else loads.
const { readFileSync, statSync } = require("node:fs");

/**
 * Whether `root`/build/cli/ops.cjs is newer than every file it was built from, as listed in
 * build/cli/inputs.json (the project's sources and npm's lockfile). A missing list or a deleted
 * input means stale.
 *
 * @example
 * bundleIsFresh("/home/me/ops-lambdas/"); // false right after an edit of cli/main.ts
 * @param {string} root the package root, with a trailing slash
 * @returns {boolean}
 */
function bundleIsFresh(root) {
  try {
    const built = statSync(`${root}build/cli/ops.cjs`).mtimeMs;
    const inputs = JSON.parse(readFileSync(`${root}build/cli/inputs.json`, "utf8"));
    return inputs.every((file) => statSync(`${root}${file}`).mtimeMs <= built);
  } catch {
    return false;
  }
}

module.exports = { bundleIsFresh };
