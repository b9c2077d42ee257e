import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import type { AnyStateMachine, AnyStateNode } from "xstate";
import { fromPromise, not, setup } from "xstate";
import { gatewayMachine } from "../../machines/gateway.machine.js";
import { generateStatechartDocs } from "../../scripts/statechart.js";
import { toDiagram, toDot, toMermaid } from "../../src/statechart/diagram.js";

const repositoryRoot = new URL("../../", import.meta.url);

interface RawTransition {
  source: string;
  targets: string[];
  event: string;
}

/** The machine walked here, independently of the code under test: every state and transition. */
function walk(machine: AnyStateMachine): { states: AnyStateNode[]; transitions: RawTransition[] } {
  const states: AnyStateNode[] = [];
  const transitions: RawTransition[] = [];
  const visit = (node: AnyStateNode): void => {
    states.push(node);
    const definitions = [
      ...[...node.transitions].flatMap(([event, list]) => list.map((t) => ({ event, t }))),
      ...(node.always ?? []).map((t) => ({ event: "always", t })),
    ];
    for (const { event, t } of definitions) {
      const targets = (t.target ?? []).map((target: AnyStateNode) => target.id);
      transitions.push({ source: node.id, targets, event });
    }
    for (const child of Object.values(node.states)) visit(child as AnyStateNode);
  };
  visit(machine.root);
  return { states, transitions };
}

describe("generated docs", () => {
  let generated: Record<string, string>;
  beforeAll(async () => {
    generated = await generateStatechartDocs();
  });

  it("are up to date", async () => {
    expect(Object.keys(generated).sort()).toEqual(["docs/statechart.md", "docs/statechart.svg"]);
    for (const [path, content] of Object.entries(generated)) {
      const committed = await readFile(new URL(path, repositoryRoot), "utf8").catch(() => "");
      expect(committed, "docs/statechart.* is stale: run npm run docs:statechart").toBe(content);
    }
  });

  it("render to the same bytes every time", async () => {
    expect(await generateStatechartDocs()).toEqual(generated);
  });

  it("give every gateway state an SVG element id", () => {
    const svg = generated["docs/statechart.svg"] ?? "";
    const { states } = walk(gatewayMachine);
    expect(states.length).toBeGreaterThan(10);
    for (const state of states) expect(svg).toContain(`id="${state.id}"`);
  });
});

describe("the gateway diagrams", () => {
  const diagram = toDiagram(gatewayMachine);
  const composites = new Set(diagram.states.filter((s) => s.children.length > 0).map((s) => s.id));

  it("model every transition of the machine, always ones included", () => {
    const { transitions } = walk(gatewayMachine);
    expect(transitions.some((t) => t.event === "always")).toBe(true);
    expect(
      diagram.transitions.map(({ source, targets, event }) => ({ source, targets, event })),
    ).toEqual(transitions);
  });

  it("draw every transition in Mermaid, and nothing else", () => {
    const relative = (stateId: string): string =>
      stateId === diagram.root ? stateId : stateId.slice(diagram.root.length + 1);
    const mermaidId = (stateId: string): string => relative(stateId).replace(/\W/g, "_");
    const lines = toMermaid(gatewayMachine)
      .split("\n")
      .map((line) => line.trim());
    const expected = diagram.transitions.flatMap(({ source, targets, label }) => {
      // A composite's own transitions start from its "any state" box.
      const from = composites.has(source) ? `${mermaidId(source)}__any` : mermaidId(source);
      const to = targets.length > 0 ? targets.map(mermaidId) : [from];
      return to.map((target) => `${from} --> ${target} : ${label}`);
    });
    for (const line of expected) expect(lines).toContain(line);
    const drawn = lines.filter((line) => line.includes(" --> ") && !line.includes("[*]"));
    expect(drawn).toHaveLength(expected.length);
  });

  it("draw every transition in DOT, and nothing else", () => {
    // `"from" -> "to" [label="a\nb", ...];`: one edge carries the labels of all its transitions
    // (as an xlabel for an edge into a composite).
    const edges = new Map<string, string[]>();
    for (const match of toDot(gatewayMachine).matchAll(/^ {2}"(.+?)" -> "(.+?)"(.*);$/gm)) {
      const labels = /label="((?:[^"\\]|\\.)*)"/.exec(match[3] ?? "")?.[1]?.split("\\n") ?? [];
      edges.set(`${match[1]} -> ${match[2]}`, labels);
    }
    let count = 0;
    for (const { source, targets, label } of diagram.transitions) {
      const from = composites.has(source) ? `${source}:any` : source;
      const heads = targets.map((target) => (composites.has(target) ? `${target}:anchor` : target));
      for (const to of heads.length > 0 ? heads : [from]) {
        expect(edges.get(`${from} -> ${to}`), `${from} -> ${to}: ${label}`).toContain(label);
        count++;
      }
    }
    expect([...edges.values()].flat()).toHaveLength(count);
  });

  it("show STOP once, as accepted in every state", () => {
    expect(toMermaid(gatewayMachine)).toContain("  gateway__any --> stopping : STOP\n");
    expect(toDot(gatewayMachine)).toContain(
      '  "gateway:any" -> "gateway.stopping" [label="STOP"];\n',
    );
  });
});

describe("toMermaid", () => {
  it("draws guards, delays, always transitions, invocations and final states", () => {
    const door = setup({
      actors: { motor: fromPromise(async () => {}) },
      guards: { isUnlocked: () => true },
      delays: { patience: 1000 },
    }).createMachine({
      id: "door",
      initial: "closed",
      on: { FIRE: ".broken" },
      states: {
        closed: {
          on: {
            OPEN: { guard: { type: "isUnlocked" }, target: "open" },
            KNOCK: { guard: not("isUnlocked") },
          },
        },
        open: {
          initial: "swinging",
          after: { 5000: "closed" },
          states: {
            swinging: { invoke: { id: "hinge", src: "motor", onDone: "checking" } },
            checking: {
              always: [{ guard: "isUnlocked", target: "wide" }, { target: "#door.closed" }],
            },
            wide: { after: { patience: "#door.closed" } },
          },
        },
        broken: { type: "final" },
      },
    });

    expect(toMermaid(door)).toBe(`stateDiagram-v2
  state "closed" as closed
  state open {
    state "swinging" as open_swinging
    open_swinging : invoke hinge (motor)
    state "checking" as open_checking
    state "wide" as open_wide
    state "any state" as open__any
    [*] --> open_swinging
    open_swinging --> open_checking : hinge done
    open_checking --> open_wide : always [isUnlocked]
  }
  state "broken" as broken
  state "any state" as door__any
  [*] --> closed
  door__any --> broken : FIRE
  closed --> open : OPEN [isUnlocked]
  closed --> closed : KNOCK [not(isUnlocked)] (ignored)
  open__any --> closed : after 5000ms
  open_checking --> closed : always
  open_wide --> closed : after patience
  broken --> [*]
  classDef anyState stroke-dasharray: 4 4
  class door__any,open__any anyState
`);
  });

  it("separates the regions of a parallel state", () => {
    const player = setup({}).createMachine({
      id: "player",
      type: "parallel",
      states: {
        audio: { initial: "muted", states: { muted: { on: { UNMUTE: "loud" } }, loud: {} } },
        video: { initial: "off", states: { off: {} } },
      },
    });

    expect(toMermaid(player, { direction: "LR" })).toBe(`stateDiagram-v2
  direction LR
  state player {
    state audio {
      state "muted" as audio_muted
      state "loud" as audio_loud
      [*] --> audio_muted
      audio_muted --> audio_loud : UNMUTE
    }
    --
    state video {
      state "off" as video_off
      [*] --> video_off
    }
  }
`);
  });
});
