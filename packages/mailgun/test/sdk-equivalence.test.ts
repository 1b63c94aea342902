// The same message through the official mailgun.js SDK and through @anymail/mailgun reaches
// the emulator as the same form fields and files.
import { createMailer } from "@anymail/core";
import { startEmulator } from "@anymail/emulator";
import formData from "form-data";
import Mailgun from "mailgun.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mailgun } from "../src/index.js";

let emu: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  emu = await startEmulator({ provider: "mailgun", rateLimit: false });
});
afterAll(() => emu.close());

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7]);
// Mailgun schedules at most 3 days ahead; whole seconds, as RFC 2822 carries no more.
const sendAt = new Date(Math.floor(Date.now() / 1000 + 2 * 86400) * 1000);

it("mailgun.js and @anymail/mailgun post equivalent form fields", async () => {
  emu.reset();
  const client = new Mailgun(formData).client({ username: "api", key: "key-sdk", url: emu.url });
  await client.messages.create("mg.example.com", {
    from: "Shop <shop@mg.example.com>",
    to: ["Ana <ana@example.org>", "bob@example.org"],
    cc: ["cc@example.org"],
    bcc: ["bcc@example.org"],
    subject: "Your order",
    text: "Thanks for your order.",
    html: '<p>Thanks for your order. <img src="cid:logo"></p>',
    "h:Reply-To": "help@mg.example.com",
    "h:X-Campaign": "spring",
    "o:tag": ["order", "receipt"],
    "o:tracking-clicks": "yes",
    "o:tracking-opens": "no",
    "o:deliverytime": sendAt.toUTCString(),
    "v:order": "4411",
    attachment: [
      {
        filename: "invoice.txt",
        data: Buffer.from("total: 1"),
        contentType: 'text/plain; charset="utf-8"',
      },
    ],
    inline: [{ filename: "logo", data: PNG, contentType: "image/png" }],
  });

  const mailer = createMailer({
    provider: mailgun({
      apiKey: "key-anymail",
      apiUrl: `${emu.url}/v3`,
      senderDomain: "mg.example.com",
    }),
    retry: false,
  });
  await mailer.send({
    from: "Shop <shop@mg.example.com>",
    to: ["Ana <ana@example.org>", "bob@example.org"],
    cc: "cc@example.org",
    bcc: "bcc@example.org",
    subject: "Your order",
    text: "Thanks for your order.",
    html: '<p>Thanks for your order. <img src="cid:logo"></p>',
    replyTo: "help@mg.example.com",
    headers: { "X-Campaign": "spring" },
    tags: ["order", "receipt"],
    trackClicks: true,
    trackOpens: false,
    sendAt,
    metadata: { order: "4411" },
    attachments: [
      { filename: "invoice.txt", content: "total: 1" },
      { filename: "logo.png", content: PNG, contentType: "image/png", contentId: "logo" },
    ],
  });
  await mailer.close();

  const [viaSdk, viaAnymail] = emu.emails;
  expect(viaSdk && viaAnymail).toBeTruthy();
  expect(viaAnymail!.request).toEqual(viaSdk!.request);
  const files = (e: typeof viaSdk) =>
    e!.attachments.map((a) => ({
      filename: a.filename,
      type: a.contentType,
      cid: a.contentId,
      content: a.content,
    }));
  expect(files(viaAnymail)).toEqual(files(viaSdk));
  expect(viaSdk!.scheduledAt).toBe(sendAt.toISOString());
  expect(viaAnymail!.scheduledAt).toBe(sendAt.toISOString());
});
