// Loads the CLI bundle with a V8 code cache: compiling the functions a command runs costs more
// than the rest of a short command, and Node 20 keeps no compile cache of its own.
const { isAscii } = require("node:buffer");
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/**
 * Runs the CommonJS file `file` like require() would, compiled with the code cache kept at
 * `cacheFile` when V8 accepts it (same Node, same source length — V8 compares no more, so name
 * the cache after the file's version). Returns the module's exports, whether
 * the cache was used, and `save()`, which writes a fresh cache after a run when there was none or V8 rejected it: the
 * cache then holds every function this run compiled. A cache that cannot be read or written only
 * costs speed.
 *
 * @example
 * const { exports, save } = loadWithCodeCache("build/cli/ops.cjs", "build/cli/ops.cjs.migrate.v8cache");
 * @param {string} file
 * @param {string} cacheFile
 * @returns {{ exports: any, cached: boolean, save: () => void }}
 */
function loadWithCodeCache(file, cacheFile) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const script = new vm.Script(Module.wrap(readSource(file)), {
    filename: file,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    Module.createRequire(file),
    module,
    file,
    path.dirname(file),
  );
  const save = () => {
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    try {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch {}
  };
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  return { exports: module.exports, cached, save };
}

/**
 * A file's text. The bundle is ASCII (esbuild escapes the rest), which reads as latin1 with one
 * copy into a buffer of the file's size; reading it as UTF-8 grows a buffer block by block and
 * touched ~100 more fresh pages (each a page fault, ~13 µs in this VM).
 * @param {string} file
 * @returns {string}
 */
function readSource(file) {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString("utf8");
}

/** Commands of cli/main.ts, and `ops migrate`'s subcommands: one code cache each (a test keeps
 * these lists equal to the CLI's). */
const COMMANDS = new Set(["migrate", "health", "invoke", "local", "analyze"]);
const MIGRATE_SUBCOMMANDS = new Set(["status", "plan", "up", "down", "validate", "repair"]);

/**
 * Which code cache a command line uses: "migrate-status", "health", … and "other" for anything
 * else, so mistyped commands cannot pile up cache files.
 *
 * @example
 * cacheNameFor(["migrate", "status", "--json"]); // "migrate-status"
 * @param {string[]} args the command line after `ops`
 * @returns {string}
 */
function cacheNameFor(args) {
  const [command, subcommand] = args;
  if (!COMMANDS.has(command)) return "other";
  return command === "migrate" && MIGRATE_SUBCOMMANDS.has(subcommand)
    ? `${command}-${subcommand}`
    : command;
}

module.exports = { cacheNameFor, loadWithCodeCache };
