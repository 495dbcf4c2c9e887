import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/global-postgres.ts"],
    // Generous: e2e tests start several processes, and CI machines have two cores.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores: keep parallel files to what the machine and one PostgreSQL server handle well.
    maxWorkers: 2,
  },
});
