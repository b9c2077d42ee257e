import type { Parameter, Status } from "../protocol/index.js";
import { type ConnectionGraph, ConnectionGraphState } from "../session/v22/connection-graph.js";
import { type Service, ServiceRegistry } from "../session/v22/services.js";
import type { ControlSession, ViewerSummary } from "../session/v22/session.js";

/**
 * What outlives protocol 2.2 sessions: the services and the connection graph, and the way to the
 * current session for what the application publishes (status, parameter values). Publishing while
 * no session runs reaches nobody and is not replayed (as upstream), except for services and the
 * graph, which every later viewer gets.
 */
export class SessionHub {
  readonly services = new ServiceRegistry();
  readonly graph = new ConnectionGraphState();
  #session?: ControlSession;

  constructor(services: readonly Service[]) {
    this.services.add(services);
  }

  /** The session now serving viewers, if any. */
  set session(session: ControlSession | undefined) {
    this.#session = session;
  }

  get viewers(): ViewerSummary[] {
    return this.#session?.viewers ?? [];
  }

  publishStatus(status: Omit<Status, "op">): void {
    this.#session?.publishStatus({ op: "status", ...status });
  }

  removeStatus(statusIds: readonly string[]): void {
    this.#session?.removeStatus(statusIds);
  }

  publishParameterValues(parameters: readonly Parameter[]): void {
    this.#session?.publishParameterValues(parameters);
  }

  publishConnectionGraph(graph: ConnectionGraph): void {
    this.graph.replace(graph);
  }
}
