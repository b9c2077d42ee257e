/**
 * `npm run bench [-- --json]`. rtc-node decides at import time whether to print debug lines, so
 * NODE_ENV must be set before anything imports it: this file sets it, then loads the bench.
 */
process.env.NODE_ENV = "production";

const { runBench } = await import("./run.js");
process.exitCode = await runBench(process.argv.slice(2));
