import type { InspectionRecord } from "../../inspection/summarize.js";

export interface InspectionHandlers {
  /** The feed (re)connected: its backlog of recent records follows. */
  opened(): void;
  /** The gateway actor's state value after each change. */
  state(value: unknown): void;
  /** A transition the gateway actor took, at `time` (epoch ms). */
  transition(transition: { source: string; event: string; targets: string[] }, time: number): void;
}

/** Follows the dashboard's redacted inspection feed, reconnecting if it drops. */
export function followInspection(handlers: InspectionHandlers): void {
  const socket = new WebSocket(`ws://${location.host}/inspect`);
  socket.onopen = () => handlers.opened();
  socket.onmessage = (message) => {
    const record = JSON.parse(String(message.data)) as InspectionRecord;
    if (record.actorId !== "gateway") return;
    if (record.type === "@xstate.snapshot" && record.snapshot)
      handlers.state(record.snapshot.value);
    for (const transition of record.transitions ?? []) handlers.transition(transition, record.time);
  };
  socket.onclose = () => setTimeout(() => followInspection(handlers), 1_000);
}
