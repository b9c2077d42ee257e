// Writes docs/dashboard.png: `npm start` as a user sees it, with the in-browser viewer subscribed
// to both demo channels. `npm run docs:screenshot` (needs Debian's chromium).
import { fileURLToPath } from "node:url";
import { launchChromium } from "../test/support/chromium.js";
import { runCli } from "../test/support/cli.js";

const output = fileURLToPath(new URL("../docs/dashboard.png", import.meta.url));

const { code } = await runCli([], {
  until: /running as dev_testdevice/,
  timeoutMs: 600_000,
  async ready(text) {
    const url = /dashboard at (http:\/\/\S+)/.exec(text)?.[1] as string;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      for (const topic of ["/demo/status", "/demo/log"]) {
        const channel = page.locator(`[data-testid=viewer-channel][data-topic="${topic}"]`);
        await channel.getByRole("button", { name: "Subscribe" }).click({ timeout: 20_000 });
        await channel.getByTestId("latest-message").waitFor({ timeout: 20_000 });
      }
      await page.waitForTimeout(1_500);
      await page.screenshot({ path: output, fullPage: true });
    } finally {
      await browser.close();
    }
  },
});
if (code !== 0) throw new Error(`the CLI exited with ${code}`);
console.log(`wrote ${output}`);
