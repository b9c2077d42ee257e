// Writes docs/dashboard.png: `npm start` as a user sees it once the in-browser viewer connected,
// subscribed to the demo channels, called the demo service and measured its round trip.
// `npm run docs:screenshot` (needs Debian's chromium).
import { fileURLToPath } from "node:url";
import { launchChromium } from "../test/support/chromium.js";
import { runCli } from "../test/support/cli.js";

const output = fileURLToPath(new URL("../docs/dashboard.png", import.meta.url));

const { code } = await runCli([], {
  until: /dashboard at/,
  timeoutMs: 600_000,
  async ready(text) {
    const url = /dashboard at (http:\/\/\S+)/.exec(text)?.[1] as string;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      // On demand, the gateway sleeps until the viewer connects.
      await page.getByTestId("connect-viewer").click({ timeout: 300_000 });
      for (const topic of ["/demo/status", "/demo/events", "/demo/log"]) {
        const channel = page.locator(`[data-testid=viewer-channel][data-topic="${topic}"]`);
        await channel.getByRole("button", { name: "Subscribe" }).click({ timeout: 30_000 });
        await channel.getByTestId("latest-message").waitFor({ timeout: 20_000 });
      }
      const add = page.locator('[data-testid=viewer-service][data-name="/demo/add"]');
      await add.locator("input").fill('{"a": 1, "b": 2}');
      await add.getByRole("button", { name: "Call" }).click();
      await add.locator("[data-outcome=answered]").waitFor();
      await page.getByTestId("gateway-rtt").filter({ hasText: "as the gateway" }).waitFor();
      await page.screenshot({ path: output, fullPage: true });
    } finally {
      await browser.close();
    }
  },
});
if (code !== 0) throw new Error(`the CLI exited with ${code}`);
console.log(`wrote ${output}`);
