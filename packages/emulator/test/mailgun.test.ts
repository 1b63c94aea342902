// The Mailgun personality, driven by the official mailgun.js SDK (with form-data, as its
// docs set it up) and checked against Mailgun's own webhook verification rule.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import formData from "form-data";
import Mailgun from "mailgun.js";
import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index.js";
import type { MailgunPayload } from "../src/personalities/mailgun/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function mailgunEmulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const emu = (await startEmulator({
    rateLimit: false,
    deliveryDelayMs: 5,
    ...options,
    provider: "mailgun",
  })) as Emulator<MailgunPayload>;
  cleanups.push(() => emu.close());
  return emu;
}

function sdk(url: string, key = "key-test") {
  return new Mailgun(formData).client({ username: "api", key, url });
}

interface Hook {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function receiver() {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hooks.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, hooks };
}

const verify = (key: string, s: { timestamp: string; token: string; signature: string }) =>
  createHmac("sha256", key)
    .update(s.timestamp + s.token)
    .digest("hex") === s.signature;

describe("Mailgun personality with mailgun.js", () => {
  it("accepts a message with tags, variables, headers and files, and answers Mailgun's shape", async () => {
    const emu = await mailgunEmulator();
    const result = await sdk(emu.url).messages.create("mg.example.com", {
      from: "Shop <shop@mg.example.com>",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: "cc@example.org",
      subject: "Hello",
      text: "Hi!",
      html: "<p>Hi!</p>",
      "o:tag": ["welcome", "onboarding"],
      "v:order": "4411",
      "h:X-Campaign": "spring",
      "h:Reply-To": "help@mg.example.com",
      attachment: [{ filename: "note.txt", data: Buffer.from("a note") }],
      inline: [{ filename: "logo.png", data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }],
    });
    expect(result.status).toBe(200);
    expect(result.message).toBe("Queued. Thank you.");
    expect(result.id).toMatch(/^<\d{14}\.[0-9A-F]+@mg\.example\.com>$/);
    const [email] = emu.emails;
    expect(email).toMatchObject({
      provider: "mailgun",
      from: "Shop <shop@mg.example.com>",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      cc: ["cc@example.org"],
      replyTo: ["help@mg.example.com"],
      subject: "Hello",
      text: "Hi!",
      html: "<p>Hi!</p>",
      headers: { "X-Campaign": "spring" },
      tags: ["welcome", "onboarding"],
      metadata: { order: "4411" },
      messageId: result.id,
      apiKey: "key-test",
    });
    expect(email!.request.domain).toBe("mg.example.com");
    expect(email!.attachments.map((a) => [a.filename, a.contentId, a.size])).toEqual([
      ["note.txt", null, 6],
      ["logo.png", "logo.png", 4],
    ]);
  });

  it("answers Mailgun's errors: 401 Forbidden, 400 { message }", async () => {
    const emu = await mailgunEmulator({ apiKeys: ["key-good"] });
    await expect(
      sdk(emu.url, "key-bad").messages.create("mg.example.com", {
        from: "a@mg.example.com",
        to: "b@example.org",
        text: "x",
      }),
    ).rejects.toMatchObject({ status: 401 });
    const client = sdk(emu.url, "key-good");
    await expect(
      client.messages.create("mg.example.com", {
        from: "a@mg.example.com",
        to: "not an address",
        text: "x",
      }),
    ).rejects.toMatchObject({
      status: 400,
      details: "to parameter is not a valid address. please check documentation",
    });
    await expect(
      // No text, html or template: mailgun.js's types forbid it, Mailgun answers 400.
      client.messages.create("mg.example.com", {
        from: "a@mg.example.com",
        to: "b@example.org",
        subject: "no body",
      } as never),
    ).rejects.toMatchObject({
      status: 400,
      details: "Need at least one of 'text', 'html' or 'template' parameters specified",
    });
    await expect(
      client.messages.create("mg.example.com", {
        from: "a@mg.example.com",
        to: "b@example.org",
        text: "x",
        "o:deliverytime": "2025-01-01T00:00:00Z",
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(emu.emails).toHaveLength(0);
  });

  it("splits a batch into personalized messages sharing one id", async () => {
    const emu = await mailgunEmulator();
    const result = await sdk(emu.url).messages.create("mg.example.com", {
      from: "shop@mg.example.com",
      to: ["Ana <ana@example.org>", "bob@example.org"],
      subject: "Order %recipient.order%",
      text: "Hi %recipient.name%",
      "v:order_id": "%recipient.v:order_id%",
      "recipient-variables": JSON.stringify({
        "ana@example.org": { name: "Ana", order: "A-1", "v:order_id": 1 },
        "bob@example.org": { name: "Bob", order: "B-2", "v:order_id": 2 },
      }),
    });
    expect(
      emu.emails.map((e) => [e.to, e.subject, e.text, e.metadata.order_id, e.messageId, e.batch]),
    ).toEqual([
      [["Ana <ana@example.org>"], "Order A-1", "Hi Ana", "1", result.id, true],
      [["bob@example.org"], "Order B-2", "Hi Bob", "2", result.id, true],
    ]);
  });

  it("accepts messages.mime", async () => {
    const emu = await mailgunEmulator();
    const mime =
      "From: shop@mg.example.com\r\nTo: ana@example.org\r\nSubject: Raw\r\n\r\nRaw body\r\n";
    const result = await sdk(emu.url).messages.create("mg.example.com", {
      to: "ana@example.org",
      message: Buffer.from(mime),
    });
    expect(result.status).toBe(200);
    expect(emu.emails[0]).toMatchObject({
      subject: "Raw",
      from: "shop@mg.example.com",
      to: ["ana@example.org"],
    });
  });

  it("delivers HMAC-signed JSON events that keep one signature across retries", async () => {
    const { base, hooks } = await receiver();
    const emu = await mailgunEmulator({
      webhooks: [{ url: `${base}/tracking`, secret: "signing-key" }],
    });
    await sdk(emu.url).messages.create("mg.example.com", {
      from: "shop@mg.example.com",
      to: ["bounced@mailgun.test"],
      subject: "s",
      text: "t",
      "o:tag": "t1",
      "v:order": "4411",
    });
    await emu.waitForDeliveries();
    expect(hooks).toHaveLength(1); // no webhook for "accepted"
    const payload = JSON.parse(hooks[0]!.body.toString("utf8"));
    expect(hooks[0]!.headers["content-type"]).toBe("application/json");
    expect(verify("signing-key", payload.signature)).toBe(true);
    expect(payload["event-data"]).toMatchObject({
      event: "failed",
      severity: "permanent",
      reason: "bounce",
      recipient: "bounced@mailgun.test",
      tags: ["t1"],
      "user-variables": { order: "4411" },
    });
    expect(payload["event-data"].message.headers["message-id"]).toBe(
      emu.emails[0]!.messageId.slice(1, -1),
    );
  });

  it("posts inbound routes as signed multipart forms, parsed or raw MIME", async () => {
    const { base, hooks } = await receiver();
    const emu = await mailgunEmulator({
      webhooks: [
        { url: `${base}/inbound`, secret: "signing-key", events: ["inbound"] },
        { url: `${base}/inbound-mime`, secret: "signing-key", events: ["inbound"] },
      ],
    });
    await emu.receive({
      from: "Ana <ana@example.org>",
      to: "support@mg.example.com",
      subject: "Help",
      text: "Please help",
      html: "<p>Please help</p>",
      attachments: [
        { filename: "log.txt", content: "log line" },
        {
          filename: "pic.png",
          content: new Uint8Array([1, 2, 3]),
          contentType: "image/png",
          contentId: "pic@x",
        },
      ],
    });
    await emu.waitForDeliveries();
    expect(hooks).toHaveLength(2);
    for (const hook of hooks) {
      expect(String(hook.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
      const form = await new Response(new Uint8Array(hook.body), {
        headers: { "content-type": String(hook.headers["content-type"]) },
      }).formData();
      expect(
        verify("signing-key", {
          timestamp: String(form.get("timestamp")),
          token: String(form.get("token")),
          signature: String(form.get("signature")),
        }),
      ).toBe(true);
      expect(form.get("recipient")).toBe("support@mg.example.com");
      expect(form.get("sender")).toBe("ana@example.org");
      if (hook.url.endsWith("mime")) {
        expect(String(form.get("body-mime"))).toContain("Subject: Help");
        expect(form.get("body-plain")).toBeNull();
      } else {
        expect(form.get("body-plain")).toBe("Please help");
        expect(form.get("attachment-count")).toBe("2");
        const map = JSON.parse(String(form.get("content-id-map"))) as Record<string, string>;
        expect((form.get(map["<pic@x>"]!) as File).name).toBe("pic.png");
        const files = [form.get("attachment-1"), form.get("attachment-2")] as File[];
        const log = files.find((f) => f.name === "log.txt")!;
        expect(await log.text()).toBe("log line");
        const headers = JSON.parse(String(form.get("message-headers"))) as [string, string][];
        expect(headers.find(([name]) => name === "Subject")?.[1]).toBe("Help");
      }
    }
  });
});
