import type { Gateway, GatewayOptions } from "../gateway/index.js";
import { float64Parameter, type Parameter, type ParameterValue } from "../protocol/index.js";
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
          const changed: Parameter[] = [];
          for (const { name, value } of parameters) {
            const current = this.#values.get(name);
            const next = current && value && sameKind(current, value);
            if (!next) continue;
            this.#values.set(name, next);
            changed.push(next);
          }
          this.#gateway?.publishParameterValues(changed);
          // The values now in effect: a refused edit is answered with the value kept.
          const names = new Set(parameters.map((p) => p.name));
          return [...this.#values.values()].filter((p) => names.has(p.name));
        },
      },
    };
  }

  /** Publishes edits through this gateway from now on. */
  attach(gateway: Gateway): void {
    this.#gateway = gateway;
  }

  /** Whether `/demo/status` is published (`/demo/enabled`). */
  get enabled(): boolean {
    const value = this.#values.get("/demo/enabled")?.value;
    return value?.kind !== "bool" || value.value;
  }

  /** What `/demo/log` says it is (`/demo/label`). */
  get label(): string {
    const value = this.#values.get("/demo/label")?.value;
    return value?.kind === "string" ? value.value : "";
  }

  /** The status rate viewers set (`/demo/rate_hz`), bounded to 0.1-50 Hz. */
  get rateHz(): number {
    const value = this.#values.get("/demo/rate_hz")?.value;
    const rate = value?.kind === "float64" ? value.value : 10;
    return Math.min(50, Math.max(0.1, rate));
  }
}

/**
 * An edit that keeps the parameter's type (an integer is taken for a float64), or undefined: a
 * viewer cannot turn the rate into a string.
 */
function sameKind(current: Parameter, value: ParameterValue): Parameter | undefined {
  const kind = current.value?.kind;
  if (kind === "float64" && value.kind === "integer")
    return { ...current, value: { kind, value: Number(value.value) } };
  if (kind === "float64" && value.kind === "float64" && !Number.isFinite(value.value))
    return undefined;
  return kind === value.kind ? { ...current, value } : undefined;
}
