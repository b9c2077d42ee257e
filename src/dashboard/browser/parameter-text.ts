import type { ParameterValue } from "../../protocol/index.js";

export type EditableKind = "string" | "float64" | "integer" | "bool";

/** Whether the page can edit a value in a text box (or a checkbox, for booleans). */
export function editableKind(value: ParameterValue | undefined): EditableKind | undefined {
  const kind = value?.kind;
  return kind === "string" || kind === "float64" || kind === "integer" || kind === "bool"
    ? kind
    : undefined;
}

/** A parameter value as text. */
export function formatParameterValue(value: ParameterValue | undefined): string {
  if (!value) return "";
  switch (value.kind) {
    case "string":
      return value.value;
    case "byteArray":
      return `${value.value.length} bytes`;
    case "array":
      return `[${value.value.map(formatParameterValue).join(", ")}]`;
    case "dict":
      return `{${Object.entries(value.value)
        .map(([key, item]) => `${key}: ${formatParameterValue(item)}`)
        .join(", ")}}`;
    default:
      return String(value.value);
  }
}

/**
 * Reads an edit as a value of the kind the parameter has, so an edit never changes its type.
 *
 * @throws Error saying what was expected
 */
export function parseParameterValue(text: string, kind: EditableKind): ParameterValue {
  const trimmed = text.trim();
  switch (kind) {
    case "string":
      return { kind, value: text };
    case "float64": {
      const value = Number(trimmed);
      if (trimmed === "" || !Number.isFinite(value)) throw new Error("expected a number");
      return { kind, value };
    }
    case "integer":
      if (!/^[-+]?\d+$/.test(trimmed)) throw new Error("expected a whole number");
      return { kind, value: BigInt(trimmed) };
    case "bool":
      if (trimmed !== "true" && trimmed !== "false") throw new Error("expected true or false");
      return { kind, value: trimmed === "true" };
  }
}
