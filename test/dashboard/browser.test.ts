import type { Locator, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { runCli } from "../support/cli.js";

const channelRow = (page: Page, topic: string) =>
  page.locator(`[data-testid=viewer-channel][data-topic="${topic}"]`);

/** The count shown for a topic in the in-page viewer. */
async function messageCount(page: Page, topic: string): Promise<number> {
  return Number(await channelRow(page, topic).getByTestId("message-count").textContent());
}

async function untilMoreMessages(page: Page, topic: string, than: number): Promise<void> {
  await page.waitForFunction(
    ([topic, than]) => {
      const count = document.querySelector(
        `[data-testid=viewer-channel][data-topic="${topic}"] [data-testid=message-count]`,
      );
      return Number(count?.textContent) > Number(than);
    },
    [topic, than] as const,
    { timeout: 30_000 },
  );
}

/** Subscribes to a topic in the page; resolves with its first message, parsed. */
async function subscribe(page: Page, topic: string): Promise<unknown> {
  const channel = channelRow(page, topic);
  await channel.getByRole("button", { name: "Subscribe" }).click({ timeout: 20_000 });
  const latest = channel.getByTestId("latest-message");
  await latest.waitFor({ timeout: 20_000 });
  return JSON.parse((await latest.textContent()) ?? "");
}

/** Sets a parameter in the page, pressing Enter in its box. */
async function setParameter(row: Locator, text: string): Promise<void> {
  await row.locator("input").fill(text);
  await row.locator("input").press("Enter");
}

describe("dashboard in headless Chromium", () => {
  it("wakes the dormant gateway, and its 2.2 viewer receives, calls, edits and pings; it recovers from a livekit-server restart", async () => {
    const checks: string[] = [];
    // Opened as soon as it is served, as a person would: the page's viewer asks for the device.
    const { code, output } = await runCli([], {
      livekitServerBinary: inject("livekitServerBinary"),
      until: /dashboard at/,
      timeoutMs: 120_000,
      async ready(text) {
        const url = /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1] as string;
        const browser = await launchChromium();
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (error) => errors.push(error.message));
          await page.goto(url);

          // The header, and the statechart highlighting the active states, from the inspection feed.
          // On demand, the gateway sleeps until the viewer connects; connecting wakes it.
          const state = page.getByTestId("gateway-state");
          await expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe("watching");
          await page.getByTestId("connect-viewer").click();
          await expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe("running");
          await expect
            .poll(() => page.getByTestId("statechart").getAttribute("data-active"))
            .toMatch(/^gateway\.running gateway\.running\.connected( |$)/);
          await expect(
            page.locator('[id="gateway.running.connected"].active').count(),
          ).resolves.toBe(1);
          checks.push("running");

          // A Lossy channel: its messages come on its data track.
          const status = channelRow(page, "/demo/status");
          await expect(await subscribe(page, "/demo/status")).toEqual({
            counter: expect.any(Number),
            sin: expect.any(Number),
            cos: expect.any(Number),
          });
          await expect(status.getByTestId("delivery").textContent()).resolves.toBe(
            "Lossy · data track",
          );
          await expect(status.getByTestId("message-count").getAttribute("data-via")).resolves.toBe(
            "data track",
          );
          await expect(page.getByTestId("participants").textContent()).resolves.toMatch(
            /dashboard-viewer-/,
          );
          checks.push("lossy");

          // The Reliable channel: its messages come on the control stream.
          const events = channelRow(page, "/demo/events");
          await expect(events.getByTestId("delivery").textContent()).resolves.toBe(
            "Reliable · control stream",
          );
          await expect(subscribe(page, "/demo/events")).resolves.toMatchObject({
            event: "heartbeat",
          });
          await expect(events.getByTestId("message-count").getAttribute("data-via")).resolves.toBe(
            "control stream",
          );
          checks.push("reliable");

          // A service: its box starts with an example request drawn from its JSON Schema.
          const add = page.locator('[data-testid=viewer-service][data-name="/demo/add"]');
          const response = add.getByTestId("service-response");
          await expect(add.locator("input").inputValue()).resolves.toBe('{"a":0,"b":0}');
          await add.locator("input").fill('{"a": 1, "b": 2}');
          await add.getByRole("button", { name: "Call" }).click();
          await expect.poll(() => response.getAttribute("data-outcome")).toBe("answered");
          expect(JSON.parse((await response.textContent()) ?? "")).toEqual({ sum: 3 });
          await add.locator("input").fill('{"a": "one"}');
          await add.getByRole("button", { name: "Call" }).click();
          await expect.poll(() => response.getAttribute("data-outcome")).toBe("failed");
          await expect(response.textContent()).resolves.toBe(
            'failed: send {"a": <number>, "b": <number>}',
          );
          checks.push("service");

          // Parameters: edited in place; the row shows what the gateway answers, and the demo
          // follows the edit (its log lines start with the label).
          const label = page.locator('[data-testid=viewer-parameter][data-name="/demo/label"]');
          await expect(label.getAttribute("data-value")).resolves.toBe("hello");
          await setParameter(label, "edited in the browser");
          await expect.poll(() => label.getAttribute("data-value")).toBe("edited in the browser");
          await subscribe(page, "/demo/log");
          await expect
            .poll(() => channelRow(page, "/demo/log").getByTestId("latest-message").textContent())
            .toContain("edited in the browser: demo running for");
          const rate = page.locator('[data-testid=viewer-parameter][data-name="/demo/rate_hz"]');
          await setParameter(rate, "fast");
          await expect(rate.getByTestId("parameter-note").textContent()).resolves.toBe(
            "expected a number",
          );
          await setParameter(rate, "25");
          await expect.poll(() => rate.getAttribute("data-value")).toBe("25");
          checks.push("parameters");

          // The round trip: the page's own, and the gateway's estimate (in the status too).
          const ms = /^\d+(\.\d)? ms/;
          await expect.poll(() => page.getByTestId("page-rtt").textContent()).toMatch(ms);
          await expect
            .poll(() => page.getByTestId("gateway-rtt").textContent(), { timeout: 15_000 })
            .toMatch(/^\d+(\.\d)? ms as the gateway measures it$/);
          await expect
            .poll(() => page.getByTestId("viewers").textContent())
            .toMatch(/dashboard-viewer-\w+: \d+(\.\d)? ms/);
          checks.push("round trip");

          // Restart livekit-server: the gateway loses its connection and gets it back, and the
          // viewer (which subscribes again by topic) receives again. Depending on how fast the
          // server is back, rtc-node resumes the session itself (running.reconnecting) or the
          // statechart starts a new one (disconnected, backoff, ...): both must end in running.
          await page.getByTestId("restart-livekit").click();
          const transitions = page.getByTestId("transitions");
          const lost = "(running → disconnected|running\\.connected → running\\.reconnecting)";
          const back =
            "(connecting → running\\s+on connectRoom done|running\\.reconnecting → running\\.connected)";
          await expect
            .poll(() => transitions.textContent(), { timeout: 20_000 })
            .toMatch(new RegExp(lost));
          await expect
            .poll(() => transitions.textContent(), { timeout: 30_000 })
            .toMatch(new RegExp(`${back}.*${lost}`));
          await expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe("running");
          await page.getByTestId("restart-livekit").filter({ hasText: "Restart" }).waitFor();
          for (const topic of ["/demo/status", "/demo/events"]) {
            await untilMoreMessages(page, topic, await messageCount(page, topic));
          }
          checks.push("recovered");
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
        }
      },
    });
    expect(checks, output).toEqual([
      "running",
      "lossy",
      "reliable",
      "service",
      "parameters",
      "round trip",
      "recovered",
    ]);
    expect(output).toMatch(
      /dormant:[\s\S]*running as dev_testdevice[\s\S]*(disconnected after room failure|LiveKit connection lost)[\s\S]*running as dev_testdevice/,
    );
    expect(code).toBe(0);
  }, 150_000);

  it("with --protocol 0.20, its viewer speaks 0.20 (byte streams, no services or parameters)", async () => {
    const checks: string[] = [];
    const { code, output } = await runCli(["--protocol", "0.20"], {
      livekitServerBinary: inject("livekitServerBinary"),
      until: /running as dev_testdevice/,
      timeoutMs: 90_000,
      async ready(text) {
        const url = /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1] as string;
        const browser = await launchChromium();
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (error) => errors.push(error.message));
          await page.goto(url);
          await expect(subscribe(page, "/demo/status")).resolves.toMatchObject({
            counter: expect.any(Number),
          });
          const status = channelRow(page, "/demo/status");
          await expect(status.getByTestId("delivery").textContent()).resolves.toBe("byte stream");
          await expect(status.getByTestId("message-count").getAttribute("data-via")).resolves.toBe(
            "byte stream",
          );
          await expect(page.getByTestId("viewer-channel").count()).resolves.toBe(2);
          await expect(page.locator("#services-section").isHidden()).resolves.toBe(true);
          await expect(page.locator("#parameters-section").isHidden()).resolves.toBe(true);
          await expect(page.getByTestId("viewer-rtt").isHidden()).resolves.toBe(true);
          checks.push("0.20");
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
        }
      },
    });
    expect(checks, output).toEqual(["0.20"]);
    expect(code).toBe(0);
  }, 120_000);
});
