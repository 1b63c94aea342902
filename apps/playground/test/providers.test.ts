// The provider switch: the page sends through Resend or Postmark (both emulated), and the
// quirks panel shows the active provider's feature table.
import { featureTable } from "@anymail/core";
import { mailgunFeatures } from "@anymail/mailgun";
import { postmarkFeatures } from "@anymail/postmark";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Playground, startPlayground } from "../src/playground.js";
import { browserUnavailableReason, launchChromium } from "./browser.js";

describe("the provider registry over the JSON API", () => {
  let playground: Playground;
  beforeAll(async () => {
    playground = await startPlayground({ port: 0, env: {} });
  });
  afterAll(() => playground?.close());

  const api = (path: string, body?: unknown) =>
    fetch(new URL(path, playground.url), {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("offers Resend (the default), Postmark and Mailgun, each with its own feature table", async () => {
    const info = (await (await api("/api/info")).json()) as {
      provider: string;
      providers: { id: string; title: string; quirks: { feature: string }[] }[];
    };
    expect(info.provider).toBe("resend");
    expect(info.providers.map((p) => p.id)).toEqual(["resend", "postmark", "mailgun"]);
    const postmark = info.providers.find((p) => p.id === "postmark")!;
    expect(postmark.quirks.map((q) => q.feature)).toEqual(
      featureTable(postmarkFeatures()).map((row) => row.feature),
    );
    const mailgun = info.providers.find((p) => p.id === "mailgun")!;
    expect(mailgun.quirks.map((q) => q.feature)).toEqual(
      featureTable(mailgunFeatures()).map((row) => row.feature),
    );
    expect(Object.keys(playground.emulators)).toEqual(["resend", "postmark", "mailgun"]);
  });

  it("sends through the Mailgun emulator (multipart, basic auth)", async () => {
    const answer = (await (
      await api("/api/send", {
        provider: "mailgun",
        from: "Playground <playground@example.com>",
        to: "ana@example.org",
        subject: "Hi from Mailgun",
        text: "Hello",
      })
    ).json()) as { ok: boolean; provider: string; result: { messageId: string } };
    expect(answer.ok).toBe(true);
    expect(answer.provider).toBe("mailgun");
    const stored = playground.emulators.mailgun!.emails.find(
      (e) => e.messageId === answer.result.messageId,
    );
    expect(stored?.subject).toBe("Hi from Mailgun");
  });

  it("sends through the chosen provider's emulator and refuses an unknown one", async () => {
    const answer = (await (
      await api("/api/send", {
        provider: "postmark",
        from: "Playground <playground@example.com>",
        to: "ana@example.org",
        subject: "Hi",
        text: "Hello",
      })
    ).json()) as { ok: boolean; provider: string; result: { messageId: string } };
    expect(answer.ok).toBe(true);
    expect(answer.provider).toBe("postmark");
    expect(playground.emulators.postmark!.emails.map((e) => e.id)).toContain(
      answer.result.messageId,
    );
    const unknown = await api("/api/send", { provider: "nope", to: "a@example.org" });
    expect(unknown.status).toBe(400);
  });
});

const unavailable = browserUnavailableReason();
const title = unavailable
  ? `provider switch in headless Chromium (SKIPPED: ${unavailable})`
  : "provider switch in headless Chromium";

describe.skipIf(unavailable !== undefined)(title, () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    playground = await startPlayground({ port: 0, env: {} });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
    await page.goto(playground.url);
    await page.locator("body[data-ready=true]").waitFor();
    await page.getByTestId("stream-status").filter({ hasText: "live" }).waitFor();
    await page.getByTestId("provider-select").selectOption("postmark");
  });
  afterEach(() => page.close());

  it("switches the quirks panel and the sample recipient to Postmark's, and back", async () => {
    await expect(page.locator("#quirks-title").textContent()).resolves.toBe("Postmark quirks");
    await expect(page.getByTestId("quirk-row").count()).resolves.toBe(
      featureTable(postmarkFeatures()).length,
    );
    await expect(page.getByTestId("quirks").textContent()).resolves.toContain("multiple tags");
    await expect(page.getByTestId("field-to").inputValue()).resolves.toBe("ana@example.org");
    await page.getByTestId("provider-select").selectOption("resend");
    await expect(page.locator("#quirks-title").textContent()).resolves.toBe("Resend quirks");
    await expect(page.getByTestId("field-to").inputValue()).resolves.toBe("delivered@resend.dev");
  });

  it("sends through Postmark and streams its Delivery webhook", async () => {
    await page.getByTestId("field-trackOpens").check();
    await page.getByTestId("send").click();
    await page.getByTestId("send-result").waitFor();
    const [id] = await page.getByTestId("recipient-message-id").allTextContents();
    expect(playground.emulators.postmark!.emails.some((email) => email.id === id)).toBe(true);
    const delivered = page
      .locator("[data-testid=event][data-event-type=delivered][data-provider=postmark]")
      .filter({ has: page.getByTestId("event-message-id").getByText(id!, { exact: true }) });
    await delivered.waitFor();
    await delivered.locator("summary").click();
    const raw = JSON.parse((await delivered.getByTestId("event-raw").textContent()) ?? "");
    expect(raw).toMatchObject({ RecordType: "Delivery", MessageID: id });
  });

  it("shows Postmark's own quirk (two tags) as an unsupported feature, sending nothing", async () => {
    const before = playground.emulators.postmark!.emails.length;
    await page.getByTestId("field-tags").fill("receipt, repeat-user");
    await page.getByTestId("send").click();
    await page.getByTestId("send-error").waitFor();
    await expect(page.getByTestId("error-message").textContent()).resolves.toBe(
      'Postmark does not support multiple tags (["receipt","repeat-user"])',
    );
    expect(playground.emulators.postmark!.emails.length).toBe(before);
  });

  it("simulates inbound mail through Postmark's inbound webhook", async () => {
    await page.getByTestId("inbound-subject").fill("Postmark inbound");
    await page.getByTestId("receive").click();
    await page.getByTestId("inbound-message").waitFor();
    await expect(page.getByTestId("inbound-subject-value").textContent()).resolves.toBe(
      "Postmark inbound",
    );
    await page
      .locator("[data-testid=event][data-event-type=inbound][data-provider=postmark]")
      .first()
      .waitFor();
  });
});
