#!/usr/bin/env node
// rtc-node fixes its log level when it loads: debug, unless NODE_ENV is production. A CLI's output
// is for people, so default to production before anything imports it.
process.env.NODE_ENV ??= "production";
const { run } = await import("./run.js");
await run();
