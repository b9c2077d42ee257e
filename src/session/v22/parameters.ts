import {
  encodeServerJsonFrame,
  type Parameter,
  type ParameterValues,
  StatusLevel,
} from "../../protocol/index.js";
import type { ClientInfo } from "../listener.js";
import { MAX_CONCURRENT_REQUESTS, type ViewerLink } from "./viewer-link.js";

/**
 * Answers viewers' parameter requests (protocol 2.2, spec 11.7). Each method returns the
 * parameters to report (those without a `value` are left out) or throws; it may be async.
 *
 * @example
 * const values = new Map([["/speed", float64Parameter("/speed", 1.5)]]);
 * const parameters: ParameterHandler = {
 *   getParameters: ({ names }) => [...values.values()].filter((p) => !names.length || names.includes(p.name)),
 *   setParameters: ({ parameters }) => {
 *     for (const p of parameters) values.set(p.name, p);
 *     gateway.publishParameterValues(parameters); // tell the other viewers
 *     return parameters;
 *   },
 * };
 */
export interface ParameterHandler {
  /** `names` empty means all parameters. */
  getParameters(request: {
    client: ClientInfo;
    names: string[];
    requestId?: string;
  }): readonly Parameter[] | Promise<readonly Parameter[]>;
  /** Returns the values now in effect. Without it, set requests are refused. */
  setParameters?(request: {
    client: ClientInfo;
    parameters: Parameter[];
    requestId?: string;
  }): readonly Parameter[] | Promise<readonly Parameter[]>;
}

/** Notified when a parameter gains its first subscriber or loses its last. */
export interface ParameterSubscriptionListener {
  onParametersSubscribe?(names: string[]): void;
  onParametersUnsubscribe?(names: string[]): void;
}

const NO_PARAMETERS = "Server does not support parameters capability";
const NO_SUBSCRIBE = "Server does not support parametersSubscribe capability";

/**
 * Parameter requests and subscriptions of one session: who subscribed to which names, and the
 * per-viewer limit of requests in flight.
 */
export class ParameterService {
  /** name → identities subscribed to it. */
  readonly #subscribers = new Map<string, Set<string>>();

  constructor(
    private readonly options: {
      enabled: boolean;
      handler?: ParameterHandler;
      listener?: ParameterSubscriptionListener;
      onListenerError: (error: unknown) => void;
    },
  ) {}

  get(link: ViewerLink, names: readonly string[], requestId?: string): void {
    const { handler } = this.options;
    if (!this.options.enabled) return sendError(link, NO_PARAMETERS);
    if (!handler) return sendValues(link, [], requestId);
    this.#respond(link, requestId, () =>
      handler.getParameters({ client: { identity: link.identity }, names: [...names], requestId }),
    );
  }

  set(link: ViewerLink, parameters: readonly Parameter[], requestId?: string): void {
    const setParameters = this.options.handler?.setParameters;
    if (!this.options.enabled) return sendError(link, NO_PARAMETERS);
    if (!setParameters) return sendError(link, "Server does not support setting parameters");
    const handler = this.options.handler as ParameterHandler;
    this.#respond(
      link,
      requestId,
      () =>
        setParameters.call(handler, {
          client: { identity: link.identity },
          parameters: [...parameters],
          requestId,
        }),
      // A set without an id expects no answer.
      requestId === undefined,
    );
  }

  subscribe(link: ViewerLink, names: readonly string[]): void {
    if (!this.options.enabled) return sendError(link, NO_SUBSCRIBE);
    const first: string[] = [];
    for (const name of names) {
      let subscribers = this.#subscribers.get(name);
      if (!subscribers) {
        subscribers = new Set();
        this.#subscribers.set(name, subscribers);
      }
      if (subscribers.size === 0) first.push(name);
      subscribers.add(link.identity);
    }
    if (first.length) this.#notify("onParametersSubscribe", first);
  }

  unsubscribe(link: ViewerLink, names: readonly string[]): void {
    if (!this.options.enabled) return sendError(link, NO_SUBSCRIBE);
    this.#unsubscribe(link.identity, names);
  }

  /** The viewer left: its subscriptions go. */
  removeViewer(identity: string): void {
    this.#unsubscribe(identity, [...this.#subscribers.keys()]);
  }

  /** Sends each viewer the parameters it subscribed to (without a request id). */
  publish(parameters: readonly Parameter[], links: Iterable<ViewerLink>): void {
    for (const link of links) {
      const wanted = parameters.filter((p) => this.#subscribers.get(p.name)?.has(link.identity));
      if (wanted.length) sendValues(link, wanted);
    }
  }

  #unsubscribe(identity: string, names: readonly string[]): void {
    const last: string[] = [];
    for (const name of names) {
      const subscribers = this.#subscribers.get(name);
      if (!subscribers?.delete(identity)) continue;
      if (subscribers.size === 0) {
        this.#subscribers.delete(name);
        last.push(name);
      }
    }
    if (last.length) this.#notify("onParametersUnsubscribe", last);
  }

  #respond(
    link: ViewerLink,
    requestId: string | undefined,
    call: () => readonly Parameter[] | Promise<readonly Parameter[]>,
    silent = false,
  ): void {
    if (link.inFlight.parameters >= MAX_CONCURRENT_REQUESTS)
      return sendError(link, "Too many concurrent parameter requests");
    link.inFlight.parameters += 1;
    void Promise.resolve()
      .then(call)
      .then((parameters) => {
        if (!silent) sendValues(link, parameters, requestId);
      })
      .catch((error: unknown) =>
        sendError(
          link,
          `Internal server error: parameter handler failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => {
        link.inFlight.parameters -= 1;
      });
  }

  #notify(callback: keyof ParameterSubscriptionListener, names: string[]): void {
    try {
      this.options.listener?.[callback]?.(names);
    } catch (error) {
      this.options.onListenerError(error);
    }
  }
}

function sendValues(link: ViewerLink, parameters: readonly Parameter[], id?: string): void {
  const message: ParameterValues = {
    op: "parameterValues",
    parameters: parameters.filter((p) => p.value !== undefined),
    ...(id !== undefined && { id }),
  };
  link.sendControl(encodeServerJsonFrame(message));
}

function sendError(link: ViewerLink, message: string): void {
  link.sendControl(encodeServerJsonFrame({ op: "status", level: StatusLevel.Error, message }));
}
