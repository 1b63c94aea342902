import type { Browser } from "playwright-core";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Playground, startPlayground } from "../src/playground.js";
import { browserUnavailableReason, launchChromium } from "./browser.js";

// "Real Resend" here is a separate emulator reached through RESEND_API_URL, so the test
// checks the switch without an account or the internet.
describe("with RESEND_API_KEY set", () => {
  let standIn: ResendEmulator;
  let playground: Playground;

  beforeAll(async () => {
    standIn = await startResendEmulator({ port: 0 });
    playground = await startPlayground({
      port: 0,
      env: { RESEND_API_KEY: "re_real_key", RESEND_API_URL: standIn.url },
    });
  });

  afterAll(async () => {
    await playground?.close();
    await standIn?.close();
  });

  it("sends through the configured API, not an in-process emulator", async () => {
    expect(playground.mode).toBe("resend");
    expect(playground.emulator).toBeUndefined();
    const info = await (await fetch(`${playground.url}/api/info`)).json();
    expect(info).toMatchObject({ mode: "resend", inboundSimulator: false });
    expect(info.webhooks.enabled).toBe(false);

    const answer = await (
      await fetch(`${playground.url}/api/send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          from: "a@example.com",
          to: "delivered@resend.dev",
          subject: "s",
          text: "t",
        }),
      })
    ).json();
    expect(answer.ok).toBe(true);
    const stored = standIn.emails.find((email) => email.id === answer.result.messageId);
    expect(stored?.apiKey).toBe("re_real_key");
  });

  it("refuses inbound simulation and webhooks without a signing secret", async () => {
    const inbound = await fetch(`${playground.url}/api/inbound`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: "a@example.org", to: "b@example.com", subject: "x" }),
    });
    expect(inbound.status).toBe(409);
    const webhook = await fetch(`${playground.url}/anymail/resend/tracking`, {
      method: "POST",
      body: "{}",
    });
    expect(webhook.status).toBe(404);
  });

  const unavailable = browserUnavailableReason();
  it.skipIf(unavailable !== undefined)(
    unavailable ? `says so on the page (SKIPPED: ${unavailable})` : "says so on the page",
    async () => {
      const browser: Browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(playground.url);
        await page.locator("body[data-ready=true]").waitFor();
        await expect(page.getByTestId("mode").textContent()).resolves.toContain("REAL RESEND");
        await expect(page.getByTestId("mode").getAttribute("data-mode")).resolves.toBe("resend");
        await expect(page.getByTestId("receive").isDisabled()).resolves.toBe(true);
      } finally {
        await browser.close();
      }
    },
  );
});
