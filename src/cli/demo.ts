import schemas from "@foxglove/schemas/jsonschema.js";
import type { Context } from "../context/index.js";

const encoder = new TextEncoder();

/** A JSON Schema for the demo's own status messages. */
const DEMO_STATUS_SCHEMA = {
  title: "demo.Status",
  type: "object",
  properties: {
    counter: { type: "integer" },
    sin: { type: "number" },
    cos: { type: "number" },
  },
};

/** foxglove.Log levels. */
const INFO = 2;

/**
 * Publishes something to look at: `/demo/status` (JSON with a JSON Schema, 10 Hz) and `/demo/log`
 * (`foxglove.Log`, 1 Hz). Returns the function that stops it and closes the channels.
 */
export function startDemo(context: Context): () => void {
  const status = context.createChannel({
    topic: "/demo/status",
    messageEncoding: "json",
    schema: {
      name: "demo.Status",
      encoding: "jsonschema",
      data: encoder.encode(JSON.stringify(DEMO_STATUS_SCHEMA)),
    },
  });
  const log = context.createChannel({
    topic: "/demo/log",
    messageEncoding: "json",
    schema: {
      name: "foxglove.Log",
      encoding: "jsonschema",
      data: encoder.encode(JSON.stringify(schemas.Log)),
    },
  });
  let counter = 0;
  const timer = setInterval(() => {
    counter++;
    const t = counter / 10;
    status.log({ counter, sin: Math.sin(t), cos: Math.cos(t) });
    if (counter % 10 === 0) {
      const now = Date.now();
      log.log({
        timestamp: { sec: Math.floor(now / 1000), nsec: (now % 1000) * 1e6 },
        level: INFO,
        message: `demo running for ${counter / 10} s`,
        name: "foxglove-gateway demo",
        file: "demo.ts",
        line: 1,
      });
    }
  }, 100);
  return () => {
    clearInterval(timer);
    status.close();
    log.close();
  };
}
