import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { call, emulator, sdk, startHookReceiver, verifyHook } from "./helpers.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("inbound email", () => {
  it("builds a real MIME message from fields, stores it and sends a metadata-only email.received", async () => {
    const receiver = await startHookReceiver();
    const emu = await emulator({ webhooks: [{ url: receiver.url }] });
    const received = await emu.receive({
      from: "Ana Silva <ana@example.org>",
      to: "support@quiet-otter.resend.app",
      cc: ["team@example.org"],
      subject: "Re: Order 4411 — ça va?",
      text: "Plain body",
      html: '<p>HTML body <img src="cid:logo-1"></p>',
      headers: { "X-Ticket": "T-9" },
      attachments: [
        { filename: "photo.png", content: PNG, contentType: "image/png" },
        { filename: "logo.png", content: PNG, contentId: "logo-1" },
        { filename: "notes.txt", content: "some notes" },
      ],
    });
    expect(received.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.received).toHaveLength(1);

    const parsed = await PostalMime.parse(received.raw);
    expect(parsed.subject).toBe("Re: Order 4411 — ça va?");
    expect(parsed.text?.trim()).toBe("Plain body");
    const raw = Buffer.from(received.raw).toString("utf8");
    expect(raw).toMatch(/Content-Type: multipart\/mixed/);
    expect(raw).toMatch(/Content-Type: multipart\/related/);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-ID: <logo-1>/);

    await emu.waitForDeliveries();
    const [payload] = receiver.hooks.map((hook) => verifyHook(emu.webhooks[0]!.secret, hook));
    expect(payload!.type).toBe("email.received");
    expect(payload!.data).toMatchObject({
      email_id: received.id,
      from: "Ana Silva <ana@example.org>",
      to: ["support@quiet-otter.resend.app"],
      cc: ["team@example.org"],
      bcc: [],
      received_for: ["support@quiet-otter.resend.app"],
      subject: "Re: Order 4411 — ça va?",
    });
    expect(payload!.data).not.toHaveProperty("html");
    expect(payload!.data).not.toHaveProperty("text");
    const attachments = payload!.data.attachments as Record<string, unknown>[];
    expect(
      attachments.map((a) => [a.filename, a.content_type, a.content_disposition, a.content_id]),
    ).toEqual([
      ["logo.png", "image/png", "inline", "logo-1"],
      ["photo.png", "image/png", "attachment", null],
      ["notes.txt", "text/plain", "attachment", null],
    ]);
  });

  it("serves the received email, its attachments and signed downloads through the SDK", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const received = await emu.receive({
      from: "ana@example.org",
      to: ["support@example.com"],
      subject: "Pics",
      html: '<img src="cid:logo-1">',
      attachments: [
        { filename: "logo.png", content: PNG, contentId: "logo-1" },
        { filename: "a.txt", content: "hello" },
      ],
    });
    const { data, error } = await resend.emails.receiving.get(received.id);
    expect(error).toBeNull();
    expect(data).toMatchObject({
      object: "email",
      id: received.id,
      from: "ana@example.org",
      subject: "Pics",
      to: ["support@example.com"],
    });
    expect(data!.html).toContain(`data:image/png;base64,${Buffer.from(PNG).toString("base64")}`);
    const cid = await call(emu, "GET", `/emails/receiving/${received.id}?html_format=cid`);
    expect(cid.json.html).toContain("cid:logo-1");

    const eml = await fetch(data!.raw!.download_url);
    expect(eml.headers.get("content-type")).toBe("message/rfc822");
    expect(Buffer.from(await eml.arrayBuffer()).equals(Buffer.from(received.raw))).toBe(true);
    expect(Date.parse(data!.raw!.expires_at)).toBeGreaterThan(Date.now());

    const list = await resend.emails.receiving.attachments.list({ emailId: received.id });
    expect(list.error).toBeNull();
    const text = list.data!.data.find((item) => item.filename === "a.txt")!;
    expect(text).toMatchObject({
      size: 5,
      content_type: "text/plain",
      content_disposition: "attachment",
    });
    expect(await (await fetch(text.download_url)).text()).toBe("hello");
    const one = await resend.emails.receiving.attachments.get({
      emailId: received.id,
      id: text.id,
    });
    expect(one.data).toMatchObject({ object: "attachment", id: text.id, filename: "a.txt" });

    const listed = await call(emu, "GET", "/emails/receiving");
    expect((listed.json.data as { id: string }[]).map((item) => item.id)).toEqual([received.id]);
  });

  it("refuses tampered and expired download links", async () => {
    let now = Date.now();
    const emu = await emulator({ now: () => now });
    const received = await emu.receive({
      from: "a@example.org",
      to: "b@example.com",
      subject: "s",
      text: "t",
    });
    const { json } = await call(emu, "GET", `/emails/receiving/${received.id}`);
    const url = (json.raw as { download_url: string }).download_url;
    expect((await fetch(url)).status).toBe(200);
    // Change the signature's first character to a different one (it is random, so it may be "x").
    const tampered = url.replace(
      /signature=(.)/,
      (_m, c: string) => `signature=${c === "x" ? "y" : "x"}`,
    );
    expect((await fetch(tampered)).status).toBe(403);
    expect((await fetch(url.replace(/expires=\d+/, "expires=99999999999999"))).status).toBe(403);
    now += 3_600_001;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/);
  });

  it("parses a raw RFC 822 message with postal-mime", async () => {
    const emu = await emulator();
    const raw = [
      "From: Bob <bob@example.net>",
      "To: inbox@example.com, other@example.com",
      "Subject: Raw hello",
      "Message-ID: <raw-1@example.net>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "raw text body",
      "--b1",
      'Content-Type: application/pdf; name="r.pdf"',
      'Content-Disposition: attachment; filename="r.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("%PDF-1.7").toString("base64"),
      "--b1--",
      "",
    ].join("\r\n");
    const received = await emu.receive({ raw });
    expect(received).toMatchObject({
      from: "Bob <bob@example.net>",
      to: ["inbox@example.com", "other@example.com"],
      subject: "Raw hello",
      messageId: "<raw-1@example.net>",
    });
    expect(received.text?.trim()).toBe("raw text body");
    expect(received.attachments).toHaveLength(1);
    expect(Buffer.from(received.attachments[0]!.content).toString()).toBe("%PDF-1.7");
    expect(Buffer.from(received.raw).toString()).toBe(raw);
  });

  it("rejects bad inbound input with ResendEmulatorError", async () => {
    const emu = await emulator();
    await expect(
      emu.receive({ from: "", to: "b@example.com", subject: "s" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      emu.receive({ from: "a@example.com", to: [], subject: "s" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      emu.receive({
        from: "a@example.com",
        to: "b@example.com",
        subject: "line\r\nBcc: x@example.com",
      }),
    ).rejects.toThrow(/line breaks/);
    await expect(emu.receive({ raw: "Subject: no from\r\n\r\nbody" })).rejects.toThrow(/From/);
    await expect(emu.receive({ raw: 42 as unknown as string })).rejects.toMatchObject({
      code: "invalid_input",
    });
    expect(emu.received).toHaveLength(0);
  });

  it("answers 404 for unknown received emails and attachments", async () => {
    const emu = await emulator();
    const missing = await sdk(emu).emails.receiving.get("0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10");
    expect(missing.error).toMatchObject({ statusCode: 404, name: "not_found" });
    const received = await emu.receive({
      from: "a@example.org",
      to: "b@example.com",
      subject: "s",
      text: "t",
    });
    const attachment = await call(
      emu,
      "GET",
      `/emails/receiving/${received.id}/attachments/0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10`,
    );
    expect(attachment.json).toMatchObject({ statusCode: 404, name: "not_found" });
  });
});
