/**
 * Reads infra/ for the infrastructure tests: every `.tf` file parsed with @cdktf/hcl2json (blocks
 * become objects, expressions stay strings such as "${var.functions}"), and the tfvars JSON files.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "@cdktf/hcl2json";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const INFRA = path.join(REPO, "infra");
export const MODULE_DIR = path.join(INFRA, "modules/ops-lambda");

// biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON
export type Hcl = Record<string, any>;

export interface TerraformFile {
  /** Path relative to infra/, e.g. `iam.tf` or `modules/ops-lambda/main.tf`. */
  readonly name: string;
  readonly text: string;
  readonly body: Hcl;
}

/** One block of a type, e.g. resource "aws_iam_role" "github". */
export interface TerraformBlock {
  readonly file: string;
  readonly type: string;
  readonly name: string;
  readonly body: Hcl;
}

/** Parses every `.tf` file under `dir` (recursively, skipping `.terraform/`). */
export async function parseTerraformFiles(dir: string = INFRA): Promise<TerraformFile[]> {
  const names = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".tf") && !name.split(path.sep).includes(".terraform"))
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const text = readFileSync(path.join(dir, name), "utf8");
      return { name: name.split(path.sep).join("/"), text, body: await parse(name, text) };
    }),
  );
}

/** Files of the root module (infra/*.tf) or of the ops-lambda module. */
export function inModule(files: readonly TerraformFile[], module: "root" | "ops-lambda") {
  return files.filter((file) =>
    module === "root" ? !file.name.includes("/") : file.name.startsWith("modules/ops-lambda/"),
  );
}

/** Blocks of one kind: `resource` / `data` (typed, named) blocks of a given type. */
export function typedBlocks(
  files: readonly TerraformFile[],
  kind: "resource" | "data",
  type: string,
): TerraformBlock[] {
  return files.flatMap((file) =>
    Object.entries((file.body[kind]?.[type] ?? {}) as Record<string, Hcl[]>).flatMap(
      ([name, bodies]) => bodies.map((body) => ({ file: file.name, type, name, body })),
    ),
  );
}

/** Named blocks such as `variable`, `output` and `module`. */
export function namedBlocks(
  files: readonly TerraformFile[],
  kind: "variable" | "output" | "module",
): TerraformBlock[] {
  return files.flatMap((file) =>
    Object.entries((file.body[kind] ?? {}) as Record<string, Hcl[]>).flatMap(([name, bodies]) =>
      bodies.map((body) => ({ file: file.name, type: kind, name, body })),
    ),
  );
}

/** Every `locals` entry of the given files, by name. */
export function locals(files: readonly TerraformFile[]): Record<string, unknown> {
  return Object.assign({}, ...files.flatMap((file) => (file.body.locals ?? []) as Hcl[]));
}

/** Every resource of every type in the given files. */
export function allResources(files: readonly TerraformFile[]): TerraformBlock[] {
  return files.flatMap((file) =>
    Object.keys(file.body.resource ?? {}).flatMap((type) => typedBlocks([file], "resource", type)),
  );
}

export function readJson<T = Hcl>(relativeToInfra: string): T {
  return JSON.parse(readFileSync(path.join(INFRA, relativeToInfra), "utf8")) as T;
}

export interface DeclaredFunction {
  readonly handler: string;
  readonly memory_size: number;
  readonly timeout: number;
  readonly architecture?: string;
  readonly reserved_concurrency?: number | null;
  readonly critical?: boolean;
  readonly warm?: boolean;
  readonly environment?: Record<string, string>;
}

/** functions.auto.tfvars.json's `functions`. */
export function declaredFunctions(): Record<string, DeclaredFunction> {
  return readJson<{ functions: Record<string, DeclaredFunction> }>("functions.auto.tfvars.json")
    .functions;
}

/** Names of infra/environments/<name>.tfvars.json. */
export function environmentNames(): string[] {
  return readdirSync(path.join(INFRA, "environments"))
    .filter((name) => name.endsWith(".tfvars.json"))
    .map((name) => name.replace(/\.tfvars\.json$/, ""))
    .sort();
}

/** Folders under lambdas/ that hold a handler.ts (the functions `npm run build:lambdas` bundles). */
export function lambdaFolders(): string[] {
  return readdirSync(path.join(REPO, "lambdas"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => readdirSync(path.join(REPO, "lambdas", name)).includes("handler.ts"))
    .sort();
}
