import {
  type AdvertiseServices,
  encodeSchemaData,
  encodeServerBinaryFrame,
  encodeServerJsonFrame,
  type MessageSchema,
  type ServiceAdvertisement,
  type ServiceCallRequest,
  type UnadvertiseServices,
} from "../../protocol/index.js";
import type { ClientInfo } from "../listener.js";
import { MAX_CONCURRENT_REQUESTS, type ViewerLink } from "./viewer-link.js";

/** The request or response type of a service: how its messages are encoded, and their schema. */
export interface ServiceMessageSchema {
  /** Message encoding, e.g. `json`, `protobuf`, `cdr`. */
  encoding: string;
  schemaName: string;
  /** Schema encoding, e.g. `jsonschema`, `protobuf`, `ros2msg`. */
  schemaEncoding: string;
  /** The schema itself (binary schemas are sent base64-encoded). */
  schema: Uint8Array;
}

/** One call of a service, as its handler sees it. */
export interface ServiceCall {
  client: ClientInfo;
  /** The viewer's id for this call. */
  callId: number;
  /** How `payload` is encoded. */
  encoding: string;
  payload: Uint8Array;
}

/**
 * A service viewers can call (protocol 2.2, spec 11.6). The handler's result is the response
 * payload; a thrown error (or rejection) is sent to the caller as a `serviceCallFailure` with its
 * message.
 *
 * @example
 * const echo: Service = {
 *   name: "/echo",
 *   type: "std_srvs/Echo",
 *   request: { encoding: "json", schemaName: "Echo", schemaEncoding: "jsonschema", schema: new TextEncoder().encode("{}") },
 *   handler: ({ payload }) => payload,
 * };
 */
export interface Service {
  /** Unique among the gateway's services. */
  name: string;
  type: string;
  request?: ServiceMessageSchema;
  response?: ServiceMessageSchema;
  handler(call: ServiceCall): Uint8Array | Promise<Uint8Array>;
}

interface RegisteredService {
  readonly id: number;
  readonly service: Service;
  readonly advertisement: ServiceAdvertisement;
}

/**
 * The gateway's services. They outlive sessions: added before or during one, they are advertised to
 * every viewer that arrives later, and changes are announced to the viewers present.
 */
export class ServiceRegistry {
  readonly #byId = new Map<number, RegisteredService>();
  readonly #listeners = new Set<(frame: Uint8Array) => void>();
  #nextId = 1;

  /**
   * Adds services and announces them.
   *
   * @throws Error when a name is taken (nothing is added then) or a schema cannot be encoded
   */
  add(services: readonly Service[]): void {
    const names = new Set(this.names());
    for (const { name } of services) {
      if (names.has(name)) throw new Error(`a service named "${name}" is already registered`);
      names.add(name);
    }
    const added = services.map((service) => {
      const id = this.#nextId++;
      return { id, service, advertisement: advertise(id, service) };
    });
    for (const entry of added) this.#byId.set(entry.id, entry);
    const message: AdvertiseServices = {
      op: "advertiseServices",
      services: added.map((entry) => entry.advertisement),
    };
    if (added.length > 0) this.#announce(encodeServerJsonFrame(message));
  }

  /** Removes services by name (unknown names are ignored) and announces it. */
  remove(names: readonly string[]): void {
    const serviceIds: number[] = [];
    for (const [id, { service }] of this.#byId) {
      if (names.includes(service.name)) serviceIds.push(id);
    }
    for (const id of serviceIds) this.#byId.delete(id);
    const message: UnadvertiseServices = { op: "unadvertiseServices", serviceIds };
    if (serviceIds.length > 0) this.#announce(encodeServerJsonFrame(message));
  }

  names(): string[] {
    return [...this.#byId.values()].map(({ service }) => service.name);
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The request encodings of the services that declare one. */
  requestEncodings(): string[] {
    return [...this.#byId.values()].flatMap(({ service }) =>
      service.request ? [service.request.encoding] : [],
    );
  }

  /** `advertiseServices` for every service, for a viewer's welcome; none when there are none. */
  welcome(): Uint8Array | undefined {
    if (this.#byId.size === 0) return undefined;
    const services = [...this.#byId.values()].map((entry) => entry.advertisement);
    return encodeServerJsonFrame({ op: "advertiseServices", services });
  }

  get(id: number): RegisteredService | undefined {
    return this.#byId.get(id);
  }

  /** Hears every announcement; returns the function that stops it. */
  onAnnounce(listener: (frame: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #announce(frame: Uint8Array): void {
    for (const listener of this.#listeners) listener(frame);
  }
}

function advertise(id: number, service: Service): ServiceAdvertisement {
  const request = service.request && messageSchema(service.name, service.request);
  const response = service.response && messageSchema(service.name, service.response);
  // Without a request or response type, the older `...Schema` strings are sent empty (as upstream).
  return {
    id,
    name: service.name,
    type: service.type,
    ...(request ? { request } : { requestSchema: "" }),
    ...(response ? { response } : { responseSchema: "" }),
  };
}

function messageSchema(service: string, schema: ServiceMessageSchema): MessageSchema {
  const encoded = encodeSchemaData(schema.schemaEncoding, schema.schema);
  if (!encoded.ok) throw new Error(`service "${service}": ${encoded.error.message}`);
  return {
    encoding: schema.encoding,
    schemaName: schema.schemaName,
    schemaEncoding: schema.schemaEncoding,
    schema: encoded.value,
  };
}

/**
 * Answers a viewer's service call (spec 11.6): a binary `serviceCallResponse`, or a
 * `serviceCallFailure` naming why not. Responses for a viewer that left go nowhere.
 */
export function callService(
  link: ViewerLink,
  request: ServiceCallRequest,
  registry: ServiceRegistry,
  options: { enabled: boolean; supportedEncodings: readonly string[] },
): void {
  const { serviceId, callId } = request;
  const fail = (message: string) =>
    link.sendControl(
      encodeServerJsonFrame({ op: "serviceCallFailure", serviceId, callId, message }),
    );
  if (!options.enabled) return fail("Server does not support services");
  const entry = registry.get(serviceId);
  if (!entry) return fail("Unknown service");
  const { service } = entry;
  const accepted = service.request
    ? request.encoding === service.request.encoding
    : options.supportedEncodings.includes(request.encoding);
  if (!accepted) return fail("Unsupported encoding");
  if (link.inFlight.services >= MAX_CONCURRENT_REQUESTS) return fail("Too many requests");

  link.inFlight.services += 1;
  const call: ServiceCall = {
    client: { identity: link.identity },
    callId,
    encoding: request.encoding,
    payload: request.payload,
  };
  void Promise.resolve()
    .then(() => service.handler(call))
    .then((payload) =>
      encodeServerBinaryFrame({
        op: "serviceCallResponse",
        serviceId,
        callId,
        encoding: service.response?.encoding ?? request.encoding,
        payload,
      }),
    )
    .then(
      (frame) => link.sendControl(frame),
      (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
    )
    .finally(() => {
      link.inFlight.services -= 1;
    });
}
