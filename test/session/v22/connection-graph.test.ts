import { describe, expect, it } from "vitest";
import { readServerMessages } from "../../../src/protocol/index.js";
import { ConnectionGraphState, diffGraphs } from "../../../src/session/v22/connection-graph.js";

const graph = (
  published: Record<string, string[]>,
  subscribed: Record<string, string[]> = {},
  services: Record<string, string[]> = {},
) => ({
  publishedTopics: Object.entries(published).map(([name, publisherIds]) => ({
    name,
    publisherIds,
  })),
  subscribedTopics: Object.entries(subscribed).map(([name, subscriberIds]) => ({
    name,
    subscriberIds,
  })),
  advertisedServices: Object.entries(services).map(([name, providerIds]) => ({
    name,
    providerIds,
  })),
});

describe("connection graph diffs (spec 11.8)", () => {
  it("lists new and changed entries and the names that vanished", () => {
    const before = graph(
      { "/a": ["n1"], "/b": ["n1"] },
      { "/c": ["n2"] },
      { "/s": ["n1"], "/t": ["n2"] },
    );
    const after = graph({ "/a": ["n1"], "/b": ["n1", "n3"] }, { "/d": ["n2"] }, { "/s": ["n1"] });
    expect(diffGraphs(before, after)).toEqual({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/b", publisherIds: ["n1", "n3"] }],
      subscribedTopics: [{ name: "/d", subscriberIds: ["n2"] }],
      advertisedServices: [],
      removedTopics: ["/c"],
      removedServices: ["/t"],
    });
  });

  it("reports nothing when nothing changed, whatever the order of ids", () => {
    expect(
      diffGraphs(graph({ "/a": ["n1", "n2"] }), graph({ "/a": ["n2", "n1"] })),
    ).toBeUndefined();
  });

  it("a topic only moving from published to subscribed is not removed", () => {
    const update = diffGraphs(graph({ "/a": ["n1"] }), graph({}, { "/a": ["n1"] }));
    expect(update?.removedTopics).toEqual([]);
    expect(update?.subscribedTopics).toEqual([{ name: "/a", subscriberIds: ["n1"] }]);
  });

  it("announces changes to listeners and gives new subscribers the whole graph", async () => {
    const state = new ConnectionGraphState();
    const announced: Uint8Array[] = [];
    state.onChange((frame) => announced.push(frame));
    state.replace(graph({ "/a": ["n1"] }));
    state.replace(graph({ "/a": ["n1"] }));
    expect(announced).toHaveLength(1);
    const decode = async (bytes: Uint8Array) => {
      for await (const event of readServerMessages(
        (async function* () {
          yield bytes;
        })(),
      )) {
        if (event.kind === "message") return event.message;
      }
    };
    expect(await decode(state.full())).toEqual({
      op: "connectionGraphUpdate",
      ...graph({ "/a": ["n1"] }),
      removedTopics: [],
      removedServices: [],
    });
  });
});
