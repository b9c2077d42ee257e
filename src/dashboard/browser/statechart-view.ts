/**
 * The generated statechart, with the active states highlighted. The SVG's element ids are the
 * machine's state ids (`gateway.running.connected`), so a snapshot value maps straight onto it.
 */
export class StatechartView {
  #active: Element[] = [];

  constructor(private readonly container: HTMLElement) {}

  async load(): Promise<void> {
    const response = await fetch("/statechart.svg");
    this.container.innerHTML = await response.text();
  }

  /** Highlights the states of a snapshot value such as `{ running: "connected" }`. */
  show(value: unknown): void {
    for (const element of this.#active) element.classList.remove("active");
    const ids = activeStateIds("gateway", value);
    this.#active = ids
      .map((id) => this.container.querySelector(`[id="${CSS.escape(id)}"]`))
      .filter((element): element is Element => element !== null);
    for (const element of this.#active) element.classList.add("active");
    this.container.dataset.active = ids.join(" ");
  }
}

/** `{ running: "connected" }` -> `["gateway.running", "gateway.running.connected"]`. */
export function activeStateIds(prefix: string, value: unknown): string[] {
  if (typeof value === "string") return [`${prefix}.${value}`];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...activeStateIds(`${prefix}.${key}`, child),
  ]);
}
