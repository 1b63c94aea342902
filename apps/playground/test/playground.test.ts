import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Playground, startPlayground } from "../src/playground.js";
import { artifactsDir, browserUnavailableReason, launchChromium } from "./browser.js";

const unavailable = browserUnavailableReason();
const title = unavailable
  ? `playground in headless Chromium (SKIPPED: ${unavailable})`
  : "playground in headless Chromium";

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
    // Fail a missing element well inside vitest's own test timeout, with Playwright's log.
    page.setDefaultTimeout(15_000);
    await page.goto(playground.url);
    await page.locator("body[data-ready=true]").waitFor();
    await page.getByTestId("stream-status").filter({ hasText: "live" }).waitFor();
  });

  afterEach(async () => {
    await page.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });

  /** Sends the compose form and returns the per-recipient message ids shown. */
  async function sendAndReadIds(): Promise<string[]> {
    await page.getByTestId("send").click();
    await page.getByTestId("send-result").waitFor();
    return page.getByTestId("recipient-message-id").allTextContents();
  }

  function eventRow(type: string, messageId: string) {
    return page
      .locator(`[data-testid=event][data-event-type=${type}]`)
      .filter({ has: page.getByTestId("event-message-id").getByText(messageId, { exact: true }) });
  }

  it("shows that it runs on the emulator, with the quirks table", async () => {
    await expect(page.getByTestId("mode").textContent()).resolves.toContain("Emulator");
    expect(await page.getByTestId("quirk-row").count()).toBeGreaterThan(5);
    // The provider's own table (featureTable of its FeatureSupport), titled with its name.
    await expect(page.locator("#quirks-title").textContent()).resolves.toBe("Resend quirks");
    await expect(page.getByTestId("quirks").textContent()).resolves.toContain("unsupported");
    await expect(page.getByTestId("quirks").textContent()).resolves.toContain("trackOpens");
    await shot("00-page");
  });

  it("sends to delivered@resend.dev and streams sent then delivered", async () => {
    await page.getByTestId("field-to").fill("delivered@resend.dev");
    const [messageId] = await sendAndReadIds();
    expect(messageId).toMatch(/\S/);
    const id = messageId as string;
    await eventRow("sent", id).waitFor();
    await eventRow("delivered", id).waitFor();

    // Expanding an event shows the raw Resend payload next to the normalized one.
    await eventRow("delivered", id).locator("summary").click();
    const raw = JSON.parse(
      (await eventRow("delivered", id).getByTestId("event-raw").textContent()) ?? "",
    );
    expect(raw.type).toBe("email.delivered");
    expect(raw.data.email_id).toBe(id);
    expect(playground.emulator?.emails.some((email) => email.id === id)).toBe(true);
    await shot("01-delivered");
  });

  it("carries every compose field, files included, to the API", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
      "base64",
    );
    await page.getByTestId("field-to").fill("delivered@resend.dev");
    await page.getByTestId("field-cc").fill("cc@example.org");
    await page.getByTestId("field-bcc").fill("bcc@example.org");
    await page.getByTestId("field-replyTo").fill("Help <help@example.com>");
    await page.getByTestId("field-html").fill('<p>Logo: <img src="cid:logo.png"></p>');
    await page.getByTestId("field-attachments").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hello notes"),
    });
    await page
      .getByTestId("field-inline-images")
      .setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
    await page.getByTestId("field-tags").fill("welcome, onboarding");
    await page.getByTestId("field-metadata").fill('{"orderId": 4411}');
    await page.getByText("Headers", { exact: true }).click();
    await page.getByTestId("add-header").click();
    await page.getByTestId("header-row").locator("[data-role=name]").fill("X-Playground");
    await page.getByTestId("header-row").locator("[data-role=value]").fill("yes");
    await page.getByText("Advanced").click();
    await page.getByTestId("field-idempotencyKey").fill(`pg-test-${Date.now()}`);
    const [messageId] = await sendAndReadIds();

    const stored = playground.emulator?.emails.find((email) => email.id === messageId);
    expect(stored).toMatchObject({
      cc: ["cc@example.org"],
      bcc: ["bcc@example.org"],
      replyTo: ["Help <help@example.com>"],
      headers: {
        "X-Playground": "yes",
        "X-Metadata": '{"orderId":4411}',
        "X-Tags": '["welcome","onboarding"]',
      },
    });
    expect(stored?.idempotencyKey).toMatch(/^pg-test-/);
    const logo = stored?.attachments.find((attachment) => attachment.filename === "logo.png");
    expect(logo?.contentId).toMatch(/\S/);
    expect(stored?.html).toContain(`cid:${logo?.contentId}`);
    expect(Buffer.from(logo?.content ?? "", "base64").equals(png)).toBe(true);
    const notes = stored?.attachments.find((attachment) => attachment.filename === "notes.txt");
    expect(Buffer.from(notes?.content ?? "", "base64").toString()).toBe("hello notes");
    await shot("01b-every-field");
  });

  it("sends to bounced@resend.dev and shows the bounce with its reason", async () => {
    await page.getByTestId("field-to").fill("bounced@resend.dev");
    const [messageId] = await sendAndReadIds();
    const bounced = eventRow("bounced", messageId as string);
    await bounced.waitFor();
    await expect(bounced.getByTestId("event-summary").textContent()).resolves.toContain(
      "(bounced)",
    );
    await bounced.locator("summary").click();
    const normalized = JSON.parse(
      (await bounced.getByTestId("event-normalized").textContent()) ?? "",
    );
    expect(normalized).toMatchObject({
      eventType: "bounced",
      rejectReason: "bounced",
      recipient: "bounced@resend.dev",
    });
    expect(normalized.description).toMatch(/\S/);
    await shot("02-bounced");
  });

  it("refuses trackOpens as an unsupported feature and sends nothing", async () => {
    const storedBefore = playground.emulator?.emails.length;
    await page.getByTestId("field-to").fill("delivered@resend.dev");
    await page.getByTestId("field-trackOpens").check();
    await page.getByTestId("send").click();
    const error = page.getByTestId("send-error");
    await error.waitFor();
    await expect(page.getByTestId("error-name").textContent()).resolves.toBe(
      "AnymailUnsupportedFeature",
    );
    await expect(page.getByTestId("error-code").textContent()).resolves.toBe("unsupported_feature");
    await expect(page.getByTestId("error-feature").textContent()).resolves.toBe("trackOpens");
    await expect(page.getByTestId("error-message").textContent()).resolves.toBe(
      "Resend does not support trackOpens",
    );
    expect(playground.emulator?.emails.length).toBe(storedBefore);
    await shot("03-unsupported-trackOpens");
  });

  it("reports bad JSON in metadata as a serialization error naming the field", async () => {
    const storedBefore = playground.emulator?.emails.length;
    await page.getByTestId("field-metadata").fill("{orderId: 1}");
    await page.getByTestId("send").click();
    await page.getByTestId("send-error").waitFor();
    await expect(page.getByTestId("error-name").textContent()).resolves.toBe(
      "AnymailSerializationError",
    );
    await expect(page.getByTestId("error-field").textContent()).resolves.toBe("metadata");
    expect(playground.emulator?.emails.length).toBe(storedBefore);
  });

  it("reports an unparsable address as AnymailInvalidAddress", async () => {
    await page.getByTestId("field-to").fill("bob@");
    await page.getByTestId("send").click();
    await page.getByTestId("send-error").waitFor();
    await expect(page.getByTestId("error-name").textContent()).resolves.toBe(
      "AnymailInvalidAddress",
    );
    await expect(page.getByTestId("error-code").textContent()).resolves.toBe("invalid_address");
  });

  it("shows Resend's own error for an API failure (espExtra overriding scheduled_at)", async () => {
    await page.getByTestId("field-to").fill("delivered@resend.dev");
    await page.getByText("Advanced").click();
    await page.getByTestId("field-espExtra").fill('{"scheduled_at": "whenever"}');
    await page.getByTestId("send").click();
    await page.getByTestId("send-error").waitFor();
    await expect(page.getByTestId("error-name").textContent()).resolves.toBe("AnymailAPIError");
    await expect(page.getByTestId("error-statusCode").textContent()).resolves.toBe("422");
    await expect(page.getByTestId("error-providerCode").textContent()).resolves.toBe(
      "validation_error",
    );
    await expect(page.getByTestId("error-message").textContent()).resolves.toContain(
      "Invalid `scheduled_at` field",
    );
    const response = JSON.parse((await page.getByTestId("error-response").textContent()) ?? "");
    expect(response).toMatchObject({ status: 422, body: { name: "validation_error" } });
    await shot("03b-api-error");
  });

  it("sends a batch of 3 with merge metadata and shows 3 message ids", async () => {
    await page.getByTestId("field-to").fill("");
    const recipients = ["ana@example.org", "bob@example.org", "cy@example.org"];
    await page.getByTestId("batch-toggle").click();
    for (const [index, address] of recipients.entries()) {
      await page.getByTestId("add-batch").click();
      await page.getByTestId("batch-to").nth(index).fill(address);
      await page
        .getByTestId("batch-merge-metadata")
        .nth(index)
        .fill(JSON.stringify({ customer: index + 1 }));
    }
    const ids = await sendAndReadIds();
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const rows = await page
      .getByTestId("recipient-row")
      .evaluateAll((elements) => elements.map((element) => element.getAttribute("data-recipient")));
    expect(rows).toEqual(recipients);

    // Each recipient's own metadata comes back on its delivery event.
    for (const [index, id] of ids.entries()) {
      const delivered = eventRow("delivered", id);
      await delivered.waitFor();
      await delivered.locator("summary").click();
      const normalized = JSON.parse(
        (await delivered.getByTestId("event-normalized").textContent()) ?? "",
      );
      expect(normalized.recipient).toBe(recipients[index]);
      expect(normalized.metadata).toMatchObject({ customer: index + 1 });
    }
    const stored = playground.emulator?.emails.filter((email) => ids.includes(email.id)) ?? [];
    expect(stored.map((email) => email.batch)).toEqual([true, true, true]);
    await shot("04-batch");
  });

  it("simulates an inbound email with an attachment and shows it parsed", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% playground test invoice\n");
    await page.getByTestId("inbound-subject").fill("Invoice 4411");
    await page.getByTestId("inbound-attachments").setInputFiles({
      name: "invoice-4411.pdf",
      mimeType: "application/pdf",
      buffer: pdf,
    });
    await page.getByTestId("receive").click();
    const message = page.getByTestId("inbound-message");
    await message.waitFor();
    await expect(page.getByTestId("inbound-subject-value").textContent()).resolves.toBe(
      "Invoice 4411",
    );
    await expect(page.getByTestId("inbound-from-value").textContent()).resolves.toContain(
      "ana@example.org",
    );
    await expect(page.getByTestId("inbound-text-value").textContent()).resolves.toContain(
      "Invoice attached.",
    );
    const attachment = page.getByTestId("inbound-attachment");
    await expect(attachment.count()).resolves.toBe(1);
    await expect(attachment.getAttribute("data-filename")).resolves.toBe("invoice-4411.pdf");
    await expect(attachment.textContent()).resolves.toContain(
      `application/pdf · ${pdf.byteLength} bytes`,
    );
    const href = (await attachment.locator("a").getAttribute("href")) ?? "";
    expect(Buffer.from(href.split(",")[1] ?? "", "base64").equals(pdf)).toBe(true);
    await page.locator("[data-testid=event][data-event-type=inbound]").first().waitFor();
    await shot("05-inbound");
  });

  it("simulates inbound from pasted raw MIME", async () => {
    await page.getByTestId("inbound-tab-raw").click();
    await page
      .getByTestId("inbound-raw")
      .fill(
        "From: Raw Sender <raw@example.org>\nTo: support@example.com\nSubject: Pasted MIME\nContent-Type: text/plain; charset=utf-8\n\nHello from raw MIME.\n",
      );
    await page.getByTestId("receive").click();
    await page.getByTestId("inbound-message").waitFor();
    await expect(page.getByTestId("inbound-subject-value").textContent()).resolves.toBe(
      "Pasted MIME",
    );
    await expect(page.getByTestId("inbound-text-value").textContent()).resolves.toContain(
      "Hello from raw MIME.",
    );
  });
});
