import schemas from "@foxglove/schemas/jsonschema.js";
import type { Context } from "../context/index.js";
import { DEMO_EVENTS_TOPIC, type DemoFeatures } from "./demo-features.js";

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
 * (`foxglove.Log`, 1 Hz). With protocol 2.2 also `/demo/events`, a Reliable channel (one event
 * every 2 s), and the parameters steer it: `/demo/rate_hz` is the status rate, `/demo/enabled`
 * pauses the status, `/demo/label` starts each log line. Returns the function that stops it and
 * closes the channels.
 */
export function startDemo(context: Context, features?: DemoFeatures): () => void {
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
  const events = features
    ? context.createChannel({ topic: DEMO_EVENTS_TOPIC, messageEncoding: "json" })
    : undefined;
  let counter = 0;
  let sinceStatus = 0;
  // Ticks at 50 Hz; the status goes out at the rate the parameter asks for.
  const timer = setInterval(() => {
    counter++;
    sinceStatus += 20;
    const rate = features?.rateHz ?? 10;
    if (sinceStatus >= 1000 / rate && features?.enabled !== false) {
      sinceStatus = 0;
      const t = counter / 50;
      status.log({ counter, sin: Math.sin(t), cos: Math.cos(t) });
    }
    if (counter % 100 === 0) events?.log({ event: "heartbeat", counter });
    if (counter % 50 === 0) {
      const now = Date.now();
      log.log({
        timestamp: { sec: Math.floor(now / 1000), nsec: (now % 1000) * 1e6 },
        level: INFO,
        message: `${features?.label ? `${features.label}: ` : ""}demo running for ${counter / 50} s`,
        name: "foxglove-gateway demo",
        file: "demo.ts",
        line: 1,
      });
    }
  }, 20);
  return () => {
    clearInterval(timer);
    status.close();
    log.close();
    events?.close();
  };
}
