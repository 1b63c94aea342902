import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Playground, startPlayground } from "../src/playground.js";
import { artifactsDir, browserUnavailableReason, launchChromium } from "./browser.js";

const unavailable = browserUnavailableReason();
const title = unavailable
  ? `failover panel in headless Chromium (SKIPPED: ${unavailable})`
  : "failover panel in headless Chromium";

describe.skipIf(unavailable !== undefined)(title, () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    playground = await startPlayground({ port: 0, env: {} });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.setDefaultTimeout(15_000);
    await page.goto(playground.url);
    await page.getByTestId("failover-form").waitFor();
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await playground?.close();
  });

  async function sendWith(state: string): Promise<string> {
    await page.getByTestId("failover-states").locator(`input[value="${state}"]`).check();
    await page.getByTestId("failover-result").evaluate((el) => {
      el.removeAttribute("data-outcome");
    });
    await page.getByTestId("failover-send").click();
    await page.locator("[data-testid=failover-result][data-outcome]").waitFor();
    return (await page.getByTestId("failover-result").textContent()) ?? "";
  }

  it("switches the primary down and shows who accepted each send", async () => {
    expect(await sendWith("up")).toMatch(/^accepted by Resend/);
    const refused = await sendWith("refusing");
    expect(refused).toMatch(/^accepted by Postmark/);
    expect(refused).toMatch(/Resend: not_accepted/);
    expect(await sendWith("500s")).toMatch(/HTTP 500/);
    expect(await sendWith("drop-once")).toMatch(/^accepted by Resend/);
    await expect(page.getByTestId("failover-stored").textContent()).resolves.toContain(
      "Resend 2, Postmark 2",
    );
    await page.screenshot({ path: join(artifactsDir, "failover-panel.png"), fullPage: true });
  });
});
