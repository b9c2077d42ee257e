import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { runCli } from "../support/cli.js";

/** The count shown for a topic in the in-page viewer. */
async function messageCount(page: Page, topic: string): Promise<number> {
  const text = await page
    .locator(`[data-testid=viewer-channel][data-topic="${topic}"] [data-testid=message-count]`)
    .textContent();
  return Number(text);
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

describe("dashboard in headless Chromium", () => {
  it("shows the gateway running, a demo message in the in-page viewer, and recovers from a livekit-server restart", async () => {
    const checks: string[] = [];
    const { code, output } = await runCli([], {
      livekitServerBinary: inject("livekitServerBinary"),
      until: /running as dev_testdevice/,
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
          const state = page.getByTestId("gateway-state");
          await expect.poll(() => state.textContent(), { timeout: 15_000 }).toBe("running");
          await expect
            .poll(() => page.getByTestId("statechart").getAttribute("data-active"))
            .toMatch(/^gateway\.running gateway\.running\.connected gateway\.running\.connected\./);
          await expect(
            page.locator('[id="gateway.running.connected"].active').count(),
          ).resolves.toBe(1);
          checks.push("running");

          // The in-page viewer joins with livekit-client, lists the channels, subscribes, receives.
          const channel = page.locator('[data-testid=viewer-channel][data-topic="/demo/status"]');
          await channel.getByRole("button", { name: "Subscribe" }).click({ timeout: 20_000 });
          const latest = channel.getByTestId("latest-message");
          await latest.waitFor({ timeout: 20_000 });
          expect(JSON.parse((await latest.textContent()) ?? "")).toEqual({
            counter: expect.any(Number),
            sin: expect.any(Number),
            cos: expect.any(Number),
          });
          await expect(page.getByTestId("participants").textContent()).resolves.toMatch(
            /dashboard-viewer-/,
          );
          await expect(channel.getByTestId("delivery").textContent()).resolves.toBe("lossy");
          checks.push("message");

          // Protocol 2.2: the Reliable channel, a service call, a parameter edit, the round trip.
          const events = page.locator('[data-testid=viewer-channel][data-topic="/demo/events"]');
          await expect(events.getByTestId("delivery").textContent()).resolves.toBe("reliable");
          await events.getByRole("button", { name: "Subscribe" }).click();
          await events.getByTestId("latest-message").waitFor({ timeout: 20_000 });
          expect(
            JSON.parse((await events.getByTestId("latest-message").textContent()) ?? ""),
          ).toMatchObject({
            event: "heartbeat",
          });
          const add = page.locator('[data-testid=viewer-service][data-name="/demo/add"]');
          await add.locator("input").fill('{"a": 1, "b": 2}');
          await add.getByRole("button", { name: "Call" }).click();
          await expect
            .poll(() => page.getByTestId("viewer-replies").textContent())
            .toContain('/demo/add → {"sum":3}');
          const label = page.locator('[data-testid=viewer-parameter][data-name="/demo/label"]');
          await label.locator("input").fill("edited in the browser");
          await label.getByRole("button", { name: "Set" }).click();
          // The gateway publishes the edit to subscribers; the list is redrawn with it.
          await expect
            .poll(() =>
              page
                .locator('[data-testid=viewer-parameter][data-name="/demo/label"] input')
                .inputValue(),
            )
            .toBe("edited in the browser");
          await expect
            .poll(() => page.getByTestId("viewer-rtt").textContent(), { timeout: 15_000 })
            .toMatch(/Round trip to the gateway: \d+ ms/);
          checks.push("protocol 2.2");

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
          const afterRestart = await messageCount(page, "/demo/status");
          await untilMoreMessages(page, "/demo/status", afterRestart + 5);
          checks.push("recovered");
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
        }
      },
    });
    expect(checks, output).toEqual(["running", "message", "protocol 2.2", "recovered"]);
    expect(output).toMatch(
      /(disconnected after room failure|LiveKit connection lost)[\s\S]*running as dev_testdevice/,
    );
    expect(code).toBe(0);
  }, 150_000);
});
