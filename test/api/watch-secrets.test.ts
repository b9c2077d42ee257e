import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createApiClient,
  type FoxgloveApiError,
  type OpenWatchOptions,
  type WatchEvent,
} from "../../src/api/index.js";
import { type DevApi, type DevApiFault, startDevApi } from "../../src/dev/index.js";
import { cleanUp } from "../support/clean-up.js";
import { apiFailure } from "./helpers.js";

// Recognisable canaries. (Shaped so the repository's token scanner does not mistake them for real
// `fox_dt_` tokens or JWTs.)
const DEVICE_TOKEN = "fox_dt_x_SECRET_canary";
const LEASE = "lease_x_SECRET_canary";
const JWT_CANARY = "lk_jwt_x_SECRET_canary";
// A JWT-shaped string, assembled at run time for the same reason: the client cannot know a token it
// never sent, so it removes anything shaped like one.
const JWT_SHAPED = [
  "eyJ",
  "hbGciOiJIUzI1NiJ9",
  ".eyJ",
  "zdWIiOiJTRUNSRVQifQ",
  ".c2lnbmF0dXJl",
].join("");

/** Every rendering of a value a log line or a crash report might use. */
function renderings(value: unknown): string[] {
  const e = value as Partial<FoxgloveApiError>;
  return [
    String(value),
    e.message ?? "",
    e.stack ?? "",
    JSON.stringify(value) ?? "",
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true, getters: true }),
  ];
}

function expectClean(value: unknown, ...secrets: string[]): void {
  for (const text of renderings(value)) {
    for (const secret of [
      DEVICE_TOKEN,
      LEASE,
      JWT_CANARY,
      JWT_SHAPED,
      "SECRET_canary",
      ...secrets,
    ]) {
      expect(text).not.toContain(secret);
    }
  }
}

let api: DevApi;
beforeAll(async () => {
  api = await startDevApi({ deviceToken: DEVICE_TOKEN, keepAliveMs: 20 });
});
afterAll(async () => {
  await api.close();
});

const client = (options: { timeoutMs?: number; deviceToken?: string; baseUrl?: string } = {}) =>
  createApiClient({ baseUrl: api.url, deviceToken: DEVICE_TOKEN, env: {}, ...options });

const resume: OpenWatchOptions = { protocolVersion: "2.2.0", previousWatchLeaseId: LEASE };

/** Everything the server might echo back: the lease, the device token, a JWT. */
const echo = `lease ${LEASE} of ${DEVICE_TOKEN} (${JWT_SHAPED})`;

/** Iterates a watch to its end; returns what it threw. */
async function iterationError(options: OpenWatchOptions = resume): Promise<unknown> {
  const connection = await client().openWatch(options);
  cleanUp(() => connection.close());
  try {
    for await (const _ of connection) {
      // read on
    }
  } catch (error) {
    return error;
  }
  throw new Error("expected the iteration to throw");
}

describe("watch errors carry no secrets", () => {
  const refusals: [string, DevApiFault][] = [
    [
      "error-response",
      {
        type: "status",
        status: 409,
        json: { error: echo, code: LEASE },
        headers: { "x-echo": echo },
      },
    ],
    ["malformed-error-response", { type: "status", status: 502, body: `<html>${echo}</html>` }],
    ["error-response-too-large", { type: "oversized-error", status: 409, chunked: true }],
    [
      "unexpected-content-type",
      {
        type: "status",
        status: 200,
        body: echo,
        contentType: `text/${LEASE}; x=${LEASE}`,
        headers: { "x-echo": echo },
      },
    ],
    ["unexpected-content-type", { type: "maintenance-page" }],
  ];

  it.each(refusals)("%s", async (reason, fault) => {
    api.failNext("watch", fault);
    const error = await apiFailure(client().openWatch(resume));
    expect(error.reason).toBe(reason);
    expectClean(error);
  });

  it("the scrubbed error body still says what it said", async () => {
    api.failNext("watch", { type: "status", status: 409, json: { error: echo } });
    const error = await apiFailure(client().openWatch(resume));
    expect(error.apiError?.error).toBe("lease [redacted] of [redacted] ([redacted])");
  });

  it("send error (connect timeout): the URL in the message has no query", async () => {
    api.failNext("watch", { type: "delay", ms: 5_000 });
    const error = await apiFailure(client({ timeoutMs: 100 }).openWatch(resume));
    expect(error).toMatchObject({ reason: "send", timedOut: true });
    expect(error.url).not.toContain("?");
    expectClean(error);
  });

  it("send error (connection refused)", async () => {
    const closed = await startDevApi();
    const baseUrl = closed.url;
    await closed.close();
    const error = await apiFailure(client({ baseUrl }).openWatch(resume));
    expect(error.reason).toBe("send");
    expectClean(error);
  });

  it("aborted, before the headers and during the stream", async () => {
    api.failNext("watch", { type: "delay", ms: 5_000 });
    const early = await apiFailure(
      client().openWatch({ ...resume, signal: AbortSignal.timeout(50) }),
    );
    expect(early.reason).toBe("aborted");
    expectClean(early);
    api.failNext("watch", { type: "silent-after-hello" });
    const late = await iterationError({ ...resume, signal: AbortSignal.timeout(100) });
    expect((late as FoxgloveApiError).reason).toBe("aborted");
    expectClean(late);
  });

  it("a refused token (401)", async () => {
    const error = await apiFailure(client({ deviceToken: `${DEVICE_TOKEN}x` }).openWatch(resume));
    expect(error.status).toBe(401);
    expectClean(error);
  });

  it("a transport error during the stream (load-body)", async () => {
    api.failNext("watch", { type: "reset-after-hello" });
    const error = await iterationError();
    expect((error as FoxgloveApiError).reason).toBe("load-body");
    expectClean(error);
  });

  const malformed: [string, string][] = [
    ["hello, bad JSON", `{"watchLeaseId":"${LEASE}",`],
    ["hello, bad shape", `{"watchLeaseId":"${LEASE}","heartbeatIntervalMs":"${LEASE}"}`],
    ["hello, lease of the wrong type", `{"watchLeaseId":["${LEASE}"]}`],
  ];

  it.each(malformed)("malformed-event: %s", async (_label, data) => {
    api.failNext("watch", { type: "malformed-event", event: "hello", data });
    const error = await iterationError();
    expect((error as FoxgloveApiError).reason).toBe("malformed-event");
    expectClean(error);
  });

  it.each([
    ["wake, bad JSON", `{"token":"${JWT_CANARY}","url":"`],
    ["wake, bad shape", `{"token":"${JWT_CANARY}","url":5}`],
    ["wake, token of the wrong type", `{"token":{"${JWT_CANARY}":1},"url":"wss://x"}`],
  ])("malformed-event: %s", async (_label, data) => {
    api.failNext("watch", { type: "malformed-event", event: "wake", data });
    const error = await iterationError();
    expect((error as FoxgloveApiError).reason).toBe("malformed-event");
    expectClean(error);
  });
});

describe("heartbeat errors carry no lease", () => {
  const faults: [string, DevApiFault][] = [
    ["error-response", { type: "status", status: 409, json: { error: echo } }],
    ["malformed-error-response", { type: "status", status: 410, body: echo }],
    ["error-response", { type: "status", status: 500 }],
    ["error-response-too-large", { type: "oversized-error" }],
    ["load-body", { type: "truncated-body" }],
  ];

  it.each(faults)("%s", async (reason, fault) => {
    api.failNext("heartbeat", fault);
    const error = await apiFailure(client().sendHeartbeat(LEASE));
    expect(error.reason).toBe(reason);
    expectClean(error);
  });

  it("the dev API's own 410 for an unknown lease", async () => {
    const error = await apiFailure(client().sendHeartbeat(LEASE));
    expect(error.status).toBe(410);
    expectClean(error);
  });

  it("timeout, refusal, abort, 401", async () => {
    api.failNext("heartbeat", { type: "delay", ms: 5_000 });
    const timedOut = await apiFailure(client({ timeoutMs: 100 }).sendHeartbeat(LEASE));
    expect(timedOut.timedOut).toBe(true);
    expectClean(timedOut);

    const closed = await startDevApi();
    const baseUrl = closed.url;
    await closed.close();
    expectClean(await apiFailure(client({ baseUrl }).sendHeartbeat(LEASE)));

    api.failNext("heartbeat", { type: "delay", ms: 5_000 });
    const controller = new AbortController();
    const before = api.requestCount("heartbeat");
    const pending = client().sendHeartbeat(LEASE, { signal: controller.signal });
    // Once logged, the request has taken its fault: the abort cannot leave it to the next one.
    await vi.waitFor(() => expect(api.requestCount("heartbeat")).toBe(before + 1));
    controller.abort();
    expectClean(await apiFailure(pending));

    const refused = await apiFailure(
      client({ deviceToken: `${DEVICE_TOKEN}x` }).sendHeartbeat(LEASE),
    );
    expect(refused.status).toBe(401);
    expectClean(refused);
  });
});

describe("watch objects carry no secrets in their renderings", () => {
  it("hello, wake and the connection: JSON and inspect hide the lease and the token", async () => {
    const connection = await client().openWatch({ protocolVersion: "2.2.0" });
    cleanUp(() => connection.close());
    const events: WatchEvent[] = [];
    for await (const event of connection) {
      events.push(event);
      if (event.type === "hello") void api.wake();
      if (event.type === "wake") break;
    }
    const hello = events.find((event) => event.type === "hello");
    const wake = events.find((event) => event.type === "wake");
    if (hello?.type !== "hello" || wake?.type !== "wake") throw new Error("expected both");
    // The values are there for the code that needs them ...
    expect(hello.watchLeaseId).toBe(api.currentWatch?.leaseId);
    expect(wake.token.split(".")).toHaveLength(3);
    // ... and nowhere in what a log line would print.
    for (const value of [hello, wake, events, connection, { nested: { events } }]) {
      expectClean(value, hello.watchLeaseId, wake.token);
    }
    expect(JSON.parse(JSON.stringify(wake))).toEqual({
      type: "wake",
      remoteAccessSessionId: api.remoteAccessSessionId,
      url: api.livekitUrl,
      token: "[redacted]",
    });
    expect(inspect(hello)).toContain("heartbeatIntervalMs");
  });

  it("the client with the watch calls shows no token", () => {
    const c = client();
    for (const text of [JSON.stringify(c), inspect(c, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(DEVICE_TOKEN);
    }
  });
});
