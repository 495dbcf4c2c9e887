/**
 * Bundling with @vercel/ncc, shared by `build:lambdas` and `build:actions`.
 *
 * ncc reads the tsconfig nearest to the entry. The project's tsconfig is for type-checking
 * (`allowImportingTsExtensions` + `noEmit`), so each bundle starts from a one-line entry file in
 * build/.entries/<group>/ beside a tsconfig that allows emitting. `module: ESNext` keeps `import`
 * statements as they are (transpile-only TypeScript cannot tell ESM from CJS under NodeNext), so
 * packages resolve through their "import" conditions — needed for ESM-only packages such as
 * @actions/core — and ncc writes an ES module.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import ncc from "@vercel/ncc";

export const ROOT = path.resolve(import.meta.dirname, "..");

export interface BundleOptions {
  /** Folder of the entry file, e.g. build/.entries/actions. */
  readonly entriesDir: string;
  /** Name of the bundle (the entry file is `<name>.ts`). */
  readonly name: string;
  /** The entry's source: re-exports or imports from the project, relative to `entriesDir`. */
  readonly entrySource: string;
  /** Folder that receives the bundle; it is emptied first. */
  readonly outDir: string;
  /** File name of the bundle in `outDir`. */
  readonly outFile: string;
  readonly minify: boolean;
}

/**
 * Bundles one entry with ncc into `outDir` (the bundle plus any chunks and assets, e.g. the
 * `package.json` marking it an ES module) and returns the size of the main file in bytes.
 *
 * @example
 * await bundleWithNcc({ entriesDir, name: "invoke", entrySource: 'import "../../../actions/invoke/main.ts";\n',
 *   outDir: "actions/invoke/dist", outFile: "index.js", minify: false });
 */
export async function bundleWithNcc(options: BundleOptions): Promise<number> {
  await writeEntryTsconfig(options.entriesDir);
  const entry = path.join(options.entriesDir, `${options.name}.ts`);
  await writeFile(entry, options.entrySource);
  const { code, assets } = await ncc(entry, {
    minify: options.minify,
    quiet: true,
    target: "es2022",
    transpileOnly: true,
  });
  await rm(options.outDir, { recursive: true, force: true });
  await mkdir(options.outDir, { recursive: true });
  await writeFile(path.join(options.outDir, options.outFile), code);
  for (const [file, asset] of Object.entries(assets).sort(([a], [b]) => a.localeCompare(b))) {
    const target = path.join(options.outDir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, asset.source);
  }
  return Buffer.byteLength(code);
}

async function writeEntryTsconfig(entriesDir: string): Promise<void> {
  await mkdir(entriesDir, { recursive: true });
  const extendsPath = path.relative(entriesDir, path.join(ROOT, "tsconfig.json"));
  const tsconfig = {
    extends: extendsPath.split(path.sep).join("/"),
    compilerOptions: {
      allowImportingTsExtensions: false,
      noEmit: false,
      module: "ESNext",
      moduleResolution: "Bundler",
    },
    include: ["*.ts"],
    exclude: [],
  };
  await writeFile(path.join(entriesDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
}
