import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // rtc-node is a native FFI library: give every test file its own process.
    pool: "forks",
    // rtc-node logs pino debug lines to stdout unless NODE_ENV is production.
    env: { NODE_ENV: "production" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
