import type { InspectionEvent } from "xstate";

/** An inspection event as plain JSON-ready data: what a dashboard needs, no live objects. */
export interface InspectionRecord {
  type: InspectionEvent["type"];
  /** Id of the actor the event is about (`gateway`, `participant:viewer-1`, `fetchDeviceInfo`...). */
  actorId: string;
  sessionId: string;
  /** When the event happened (epoch ms). */
  time: number;
  /** For `@xstate.event`: the event. */
  event?: unknown;
  /** For `@xstate.snapshot` and `@xstate.microstep`: state value, status and context. */
  snapshot?: { value?: unknown; status: string; context?: unknown };
  /** For `@xstate.microstep`: the transitions taken, by source state id and event type. */
  transitions?: Array<{ source: string; event: string; targets: string[] }>;
  /** For `@xstate.action`: the action's name. */
  action?: string;
}

interface TransitionLike {
  source: { id: string };
  eventType: string;
  target?: Array<{ id: string }>;
}

/**
 * Keeps only data from an inspection event. Inspection events hold actor references, machine
 * definitions and provided implementations: none of that leaves the process.
 */
export function summarize(event: InspectionEvent): InspectionRecord {
  const record: InspectionRecord = {
    type: event.type,
    actorId: (event.actorRef as { id?: string }).id ?? event.actorRef.sessionId,
    sessionId: event.actorRef.sessionId,
    time: Date.now(),
  };
  switch (event.type) {
    case "@xstate.event":
      record.event = event.event;
      break;
    case "@xstate.snapshot":
    case "@xstate.microstep": {
      const snapshot = event.snapshot as { value?: unknown; status: string; context?: unknown };
      record.snapshot = {
        value: snapshot.value,
        status: snapshot.status,
        context: snapshot.context,
      };
      if (event.type === "@xstate.microstep") {
        record.transitions = (event._transitions as unknown as TransitionLike[]).map((t) => ({
          source: t.source.id,
          event: t.eventType,
          targets: (t.target ?? []).map((target) => target.id),
        }));
      }
      break;
    }
    case "@xstate.action":
      record.action = event.action.type;
      break;
  }
  return record;
}

/** JSON that survives cycles and drops what JSON cannot carry (functions, actor refs). */
export function toJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "function" || typeof item === "symbol") return undefined;
    if (typeof item === "object" && item !== null) {
      if (seen.has(item)) return "[circular]";
      seen.add(item);
      // A child actor reference inside a context or event: name it, don't walk it.
      if ("sessionId" in item && "send" in item) return `[actor ${(item as { id?: string }).id}]`;
    }
    return item;
  });
}
