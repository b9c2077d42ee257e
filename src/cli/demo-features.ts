import type { Gateway, GatewayOptions } from "../gateway/index.js";
import { float64Parameter, type Parameter } from "../protocol/index.js";
import type { Service } from "../session/v22/services.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The demo's Reliable channel: low rate, every message matters. */
export const DEMO_EVENTS_TOPIC = "/demo/events";

const ADD_SCHEMA = {
  request: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
  response: { type: "object", properties: { sum: { type: "number" } } },
};

/** `/demo/add`: adds two numbers, or says why it cannot. */
const addService: Service = {
  name: "/demo/add",
  type: "demo.Add",
  request: {
    encoding: "json",
    schemaName: "demo.AddRequest",
    schemaEncoding: "jsonschema",
    schema: encoder.encode(JSON.stringify(ADD_SCHEMA.request)),
  },
  response: {
    encoding: "json",
    schemaName: "demo.AddResponse",
    schemaEncoding: "jsonschema",
    schema: encoder.encode(JSON.stringify(ADD_SCHEMA.response)),
  },
  handler: ({ payload }) => {
    const { a, b } = JSON.parse(decoder.decode(payload)) as { a?: unknown; b?: unknown };
    if (typeof a !== "number" || typeof b !== "number") {
      throw new Error('send {"a": <number>, "b": <number>}');
    }
    return encoder.encode(JSON.stringify({ sum: a + b }));
  },
};

/**
 * The protocol 2.2 side of the demo: a Reliable channel, a service and a few parameters that
 * viewers can read and edit (an edit is published to every viewer that subscribed to it).
 */
export class DemoFeatures {
  readonly #values = new Map<string, Parameter>([
    ["/demo/rate_hz", float64Parameter("/demo/rate_hz", 10)],
    ["/demo/label", { name: "/demo/label", value: { kind: "string", value: "hello" } }],
    ["/demo/enabled", { name: "/demo/enabled", value: { kind: "bool", value: true } }],
  ]);
  #gateway?: Gateway;

  /** What to pass to `startGateway()`. */
  get options(): Pick<GatewayOptions, "qosClassifier" | "services" | "parameterHandler"> {
    return {
      qosClassifier: (channel) => (channel.topic === DEMO_EVENTS_TOPIC ? "reliable" : "lossy"),
      services: [addService],
      parameterHandler: {
        getParameters: ({ names }) =>
          [...this.#values.values()].filter((p) => names.length === 0 || names.includes(p.name)),
        setParameters: ({ parameters }) => {
          const known = parameters.filter((p) => this.#values.has(p.name));
          for (const parameter of known) this.#values.set(parameter.name, parameter);
          this.#gateway?.publishParameterValues(known);
          return known;
        },
      },
    };
  }

  /** Publishes edits through this gateway from now on. */
  attach(gateway: Gateway): void {
    this.#gateway = gateway;
  }

  /** The status rate viewers set (`/demo/rate_hz`), bounded to 0.1-50 Hz. */
  get rateHz(): number {
    const value = this.#values.get("/demo/rate_hz")?.value;
    const rate = value?.kind === "float64" ? value.value : 10;
    return Math.min(50, Math.max(0.1, rate));
  }
}
