import type { ServiceAdvertisement } from "../../protocol/index.js";
import type { ControlBrowserViewer } from "./control-viewer.js";
import { byId, h } from "./dom.js";

/**
 * Protocol 2.2: the gateway's services, each with a box for a JSON request (filled with an example
 * drawn from its JSON Schema), a Call button, and the answer or failure of the last call.
 */
export class ServicesPanel {
  #viewer: ControlBrowserViewer | undefined;
  /** What was typed in each service's box: kept when the list is redrawn. */
  readonly #requests = new Map<string, string>();

  use(viewer: ControlBrowserViewer): void {
    this.#viewer = viewer;
  }

  show(services: readonly ServiceAdvertisement[]): void {
    const container = byId("viewer-services");
    if (services.length === 0) {
      container.replaceChildren(h("p", { class: "muted" }, "No services advertised."));
      return;
    }
    container.replaceChildren(...services.map((service) => this.#row(service)));
  }

  #row(service: ServiceAdvertisement): HTMLElement {
    const input = h("input", {
      "aria-label": `request to ${service.name}`,
      value: this.#requests.get(service.name) ?? exampleRequest(service),
      oninput: () => this.#requests.set(service.name, input.value),
    });
    const answer = h("pre", { class: "message", "data-testid": "service-response", hidden: true });
    const call = async () => {
      answer.hidden = false;
      answer.className = "message";
      answer.textContent = "calling…";
      try {
        const response = (await this.#viewer?.callService(service.id, input.value)) ?? "";
        answer.textContent = pretty(response);
        answer.dataset.outcome = "answered";
      } catch (error) {
        answer.className = "message error";
        answer.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
        answer.dataset.outcome = "failed";
      }
    };
    const encoding = service.request?.encoding ?? "json";
    return h(
      "div",
      { class: "channel", "data-testid": "viewer-service", "data-name": service.name },
      h(
        "div",
        { class: "channel-head" },
        h("code", {}, service.name),
        h("span", { class: "muted" }, `${service.type} · ${encoding}`),
      ),
      h(
        "div",
        { class: "row" },
        input,
        h("button", { onclick: () => void call(), disabled: encoding !== "json" }, "Call"),
      ),
      answer,
    );
  }
}

/** `{"a": 0, "b": 0}` for a JSON Schema object with number properties `a` and `b`. */
function exampleRequest(service: ServiceAdvertisement): string {
  const { request } = service;
  if (request?.schemaEncoding !== "jsonschema") return "{}";
  try {
    return JSON.stringify(example(JSON.parse(request.schema)));
  } catch {
    return "{}";
  }
}

function example(schema: unknown): unknown {
  const { type, properties } = (schema ?? {}) as { type?: unknown; properties?: unknown };
  switch (type) {
    case "number":
    case "integer":
      return 0;
    case "string":
      return "";
    case "boolean":
      return false;
    case "array":
      return [];
    default:
      return Object.fromEntries(
        Object.entries((properties ?? {}) as Record<string, unknown>).map(([key, value]) => [
          key,
          example(value),
        ]),
      );
  }
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
