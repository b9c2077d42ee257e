import type { Parameter } from "../../protocol/index.js";
import type { ControlBrowserViewer } from "./control-viewer.js";
import { byId, h } from "./dom.js";
import { editableKind, formatParameterValue, parseParameterValue } from "./parameter-text.js";

/** The elements of one parameter's row that change with its value. */
interface ParameterRow {
  element: HTMLElement;
  /** A text box, or a checkbox for booleans; absent for values the page cannot edit. */
  editor?: HTMLInputElement;
  note: HTMLElement;
  /** A set was sent: the next values shown are the gateway's answer to it. */
  setting: boolean;
}

/**
 * Protocol 2.2: the gateway's parameters, edited in place. An edit is sent as `setParameters`; the
 * row shows the value the gateway answers with (and later publishes), never a value it refused.
 * Rows are rebuilt only when the names change, so a box being typed in is left alone.
 */
export class ParametersPanel {
  #viewer: ControlBrowserViewer | undefined;
  readonly #rows = new Map<string, ParameterRow>();
  #names = "";

  use(viewer: ControlBrowserViewer): void {
    this.#viewer = viewer;
  }

  show(parameters: readonly Parameter[]): void {
    const names = parameters.map((p) => p.name).join("\n");
    if (names !== this.#names) {
      this.#names = names;
      this.#rows.clear();
      byId("viewer-parameters").replaceChildren(
        ...(parameters.length === 0
          ? [h("p", { class: "muted" }, "No parameters.")]
          : parameters.map((parameter) => this.#row(parameter))),
      );
    }
    for (const parameter of parameters) this.#update(parameter);
  }

  #row(parameter: Parameter): HTMLElement {
    const { name } = parameter;
    const kind = editableKind(parameter.value);
    const note = h("span", { class: "muted", "data-testid": "parameter-note" });
    const set = (text: string) => {
      try {
        if (!kind) return;
        const value = parseParameterValue(text, kind);
        note.className = "muted";
        note.textContent = "setting…";
        const row = this.#rows.get(name);
        if (row) row.setting = true;
        const type = parameter.type;
        void this.#viewer?.setParameter({ name, ...(type && { type }), value });
      } catch (error) {
        note.className = "error";
        note.textContent = error instanceof Error ? error.message : String(error);
      }
    };
    let editor: HTMLInputElement | undefined;
    let controls: Node[] = [];
    if (kind === "bool") {
      editor = h("input", { type: "checkbox", "aria-label": `value of ${name}` });
      const box = editor;
      box.addEventListener("change", () => set(String(box.checked)));
      controls = [editor];
    } else if (kind) {
      editor = h("input", { "aria-label": `value of ${name}` });
      const box = editor;
      box.addEventListener("keydown", (event) => {
        if (event.key === "Enter") set(box.value);
      });
      controls = [
        editor,
        h("button", { class: "secondary", onclick: () => set(box.value) }, "Set"),
      ];
    } else {
      controls = [h("code", { "data-testid": "parameter-text" })];
    }
    const element = h(
      "div",
      { class: "row", "data-testid": "viewer-parameter", "data-name": name },
      h("code", {}, name),
      h("span", { class: "tag" }, parameter.type ?? parameter.value?.kind ?? "unset"),
      ...controls,
      note,
    );
    this.#rows.set(name, { element, editor, note, setting: false });
    return element;
  }

  #update(parameter: Parameter): void {
    const row = this.#rows.get(parameter.name);
    if (!row) return;
    const text = formatParameterValue(parameter.value);
    const answered = row.setting;
    row.setting = false;
    if (answered) row.note.textContent = "";
    row.element.dataset.value = text;
    const { editor } = row;
    if (!editor) row.element.querySelector("[data-testid=parameter-text]")?.replaceChildren(text);
    else if (editor.type === "checkbox") editor.checked = text === "true";
    // A box being typed in is left alone, unless this is the answer to what was typed.
    else if (answered || document.activeElement !== editor) editor.value = text;
  }
}
