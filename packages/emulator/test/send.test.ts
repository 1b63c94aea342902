import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk } from "./helpers.js";

describe("POST /emails through the official SDK", () => {
  it("accepts an email, stores it and returns its id", async () => {
    const emu = await emulator();
    const { data, error, headers } = await sdk(emu).emails.send({
      ...basicEmail,
      cc: ["copy@example.com"],
      replyTo: "help@example.com",
      html: "<p>Hi</p>",
      headers: { "X-Entity-Ref-ID": "order-1" },
      tags: [{ name: "category", value: "welcome" }],
    });
    expect(error).toBeNull();
    expect(data?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers?.["content-type"]).toBe("application/json; charset=utf-8");
    expect(emu.emails).toHaveLength(1);
    const stored = emu.emails[0]!;
    expect(stored.id).toBe(data?.id);
    expect(stored.request.reply_to).toBe("help@example.com");
    expect(stored.to).toEqual(["delivered@resend.dev"]);
    expect(stored.metadata).toEqual({ category: "welcome" });
    expect(stored.tags).toEqual([]);
  });

  it("returns the stored email with last_event via GET /emails/{id}", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const sent = await resend.emails.send({
      ...basicEmail,
      html: "<b>x</b>",
      tags: [{ name: "a", value: "b" }],
    });
    await emu.waitForDeliveries();
    const { data, error } = await resend.emails.get(sent.data!.id);
    expect(error).toBeNull();
    expect(data).toMatchObject({
      object: "email",
      id: sent.data!.id,
      from: basicEmail.from,
      to: ["delivered@resend.dev"],
      subject: "Hello",
      html: "<b>x</b>",
      text: "Hi there",
      cc: null,
      bcc: null,
      reply_to: null,
      last_event: "delivered",
      scheduled_at: null,
      tags: [{ name: "a", value: "b" }],
    });
    expect(data?.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00$/);
  });

  it("answers 404 not_found for an unknown id and 422 invalid_parameter for a non-UUID", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const missing = await resend.emails.get("0f8d5c1e-7b9a-4f3e-9a51-2d6c8e4b7a10");
    expect(missing.error).toMatchObject({ statusCode: 404, name: "not_found" });
    const bad = await resend.emails.get("not-a-uuid");
    expect(bad.error).toMatchObject({ statusCode: 422, name: "invalid_parameter" });
  });

  it("lists emails newest first with cursor pagination", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await resend.emails.send({ ...basicEmail, subject: `n${i}` })).data!.id);
    const first = await resend.emails.list({ limit: 2 });
    expect(first.data?.object).toBe("list");
    expect(first.data?.has_more).toBe(true);
    expect(first.data?.data.map((email) => email.id)).toEqual([ids[2], ids[1]]);
    const second = await resend.emails.list({ limit: 2, after: ids[1]! });
    expect(second.data?.data.map((email) => email.id)).toEqual([ids[0]]);
    expect(second.data?.has_more).toBe(false);
    const bad = await call(emu, "GET", "/emails?limit=500");
    expect(bad.json).toMatchObject({ statusCode: 422, name: "validation_error" });
  });

  it("accepts attachment content as base64 and as the JSON form of a Buffer", async () => {
    const emu = await emulator();
    const bytes = [0x25, 0x50, 0x44, 0x46];
    const res = await call(emu, "POST", "/emails", {
      body: {
        ...basicEmail,
        attachments: [
          { filename: "a.pdf", content: Buffer.from(bytes).toString("base64") },
          { filename: "b.pdf", content: { type: "Buffer", data: bytes } },
          { filename: "c.png", path: "https://cdn.example.com/c.png", content_id: "logo" },
        ],
      },
    });
    expect(res.status).toBe(200);
    const [a, b, c] = emu.emails[0]!.attachments;
    expect(a!.content).toBe(b!.content);
    expect(b!.size).toBe(4);
    expect(c).toMatchObject({
      path: "https://cdn.example.com/c.png",
      contentId: "logo",
      content: null,
    });
    const listed = await call(emu, "GET", `/emails/${emu.emails[0]!.id}/attachments`);
    const first = (listed.json.data as { download_url: string }[])[0]!;
    const download = await fetch(first.download_url);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });

  it("sends a Uint8Array attachment through the SDK (which base64-encodes it)", async () => {
    const emu = await emulator();
    const { error } = await sdk(emu).emails.send({
      ...basicEmail,
      attachments: [{ filename: "hello.txt", content: Buffer.from("hello") }],
    });
    expect(error).toBeNull();
    expect(Buffer.from(emu.emails[0]!.attachments[0]!.content!, "base64").toString()).toBe("hello");
  });
});

describe("validation errors", () => {
  const cases: [string, Record<string, unknown>, number, string, RegExp?][] = [
    [
      "missing to",
      { from: "a@example.com", subject: "s", text: "t" },
      422,
      "missing_required_field",
      /`to`/,
    ],
    [
      "missing from",
      { to: "b@example.com", subject: "s", text: "t" },
      422,
      "missing_required_field",
      /`from`/,
    ],
    [
      "missing subject",
      { from: "a@example.com", to: "b@example.com", text: "t" },
      422,
      "missing_required_field",
    ],
    [
      "no html or text",
      { from: "a@example.com", to: "b@example.com", subject: "s" },
      422,
      "missing_required_field",
    ],
    ["bad from", { ...basicEmail, from: "not an address" }, 422, "invalid_from_address"],
    ["bad to", { ...basicEmail, to: ["ok@example.com", "nope"] }, 422, "validation_error", /nope/],
    [
      "51 recipients",
      { ...basicEmail, to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) },
      422,
      "validation_error",
      /50/,
    ],
    [
      "tag charset",
      { ...basicEmail, tags: [{ name: "bad tag!", value: "x" }] },
      422,
      "validation_error",
      /ASCII/,
    ],
    [
      "tag length",
      { ...basicEmail, tags: [{ name: "a".repeat(257), value: "x" }] },
      422,
      "validation_error",
    ],
    [
      "attachment without content or path",
      { ...basicEmail, attachments: [{ filename: "a.txt" }] },
      422,
      "invalid_attachment",
    ],
    [
      "attachment not base64",
      { ...basicEmail, attachments: [{ filename: "a.txt", content: "%%%" }] },
      422,
      "invalid_attachment",
    ],
    [
      "bad scheduled_at",
      { ...basicEmail, scheduled_at: "someday maybe" },
      422,
      "validation_error",
      /scheduled_at/,
    ],
    [
      "scheduled too far",
      { ...basicEmail, scheduled_at: "in 40 days" },
      422,
      "validation_error",
      /30 days/,
    ],
    [
      "template with html",
      { ...basicEmail, template: { id: "t1" } },
      422,
      "validation_error",
      /template/,
    ],
    ["headers not strings", { ...basicEmail, headers: { "X-A": 1 } }, 422, "validation_error"],
  ];
  for (const [label, body, status, name, message] of cases) {
    it(`rejects ${label} with ${status} ${name}`, async () => {
      const emu = await emulator();
      const res = await call(emu, "POST", "/emails", { body });
      expect(res.status).toBe(status);
      expect(Object.keys(res.json)).toEqual(["statusCode", "message", "name"]);
      expect(res.json).toMatchObject({ statusCode: status, name });
      if (message) expect(res.json.message).toMatch(message);
      expect(emu.emails).toHaveLength(0);
    });
  }

  it("rejects more than 40 MB of attachments after base64", async () => {
    const emu = await emulator();
    const big = "A".repeat(21 * 1024 * 1024);
    const res = await call(emu, "POST", "/emails", {
      body: {
        ...basicEmail,
        attachments: [
          { filename: "a.bin", content: big },
          { filename: "b.bin", content: big },
        ],
      },
    });
    expect(res.json).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(res.json.message).toMatch(/40 MB/);
  });

  it("answers 413 to a body over 50 MB, stores nothing and keeps serving", async () => {
    const emu = await emulator();
    const res = await call(emu, "POST", "/emails", { rawBody: "x".repeat(51 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ statusCode: 413, name: "validation_error" });
    expect(emu.emails).toHaveLength(0);
    const next = await call(emu, "POST", "/emails", { body: basicEmail });
    expect(next.status).toBe(200);
    expect(emu.emails).toHaveLength(1);
  });

  it("rejects a body that is not JSON", async () => {
    const emu = await emulator();
    const res = await call(emu, "POST", "/emails", { rawBody: "{nope" });
    expect(res.json).toMatchObject({ statusCode: 400, name: "validation_error" });
  });

  it("returns 422s through the SDK as { error } results", async () => {
    const emu = await emulator();
    const { data, error } = await sdk(emu).emails.send({
      from: "a@example.com",
      to: [],
      subject: "s",
      text: "t",
    });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: "validation_error" });
  });
});

describe("auth and routing", () => {
  it("answers 401 missing_api_key without Authorization", async () => {
    const emu = await emulator();
    const res = await call(emu, "POST", "/emails", { body: basicEmail, key: null });
    expect(res.json).toMatchObject({ statusCode: 401, name: "missing_api_key" });
  });

  it("answers 403 invalid_api_key for a key that is not re_… or not configured", async () => {
    const open = await emulator();
    expect((await sdk(open, "sk_live_x").emails.send(basicEmail)).error).toMatchObject({
      statusCode: 403,
      name: "invalid_api_key",
    });
    const strict = await emulator({ apiKeys: ["re_only_this"] });
    expect((await sdk(strict, "re_other").emails.send(basicEmail)).error?.name).toBe(
      "invalid_api_key",
    );
    expect((await sdk(strict, "re_only_this").emails.send(basicEmail)).error).toBeNull();
  });

  it("answers a plain-text 403 without User-Agent when required", async () => {
    const emu = await emulator({ requireUserAgent: true });
    const res = await fetch(`${emu.url}/emails`, {
      method: "POST",
      headers: { authorization: "Bearer re_x", "user-agent": "" },
      body: JSON.stringify(basicEmail),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("error code: 1010");
    expect((await sdk(emu).emails.send(basicEmail)).error).toBeNull();
  });

  it("answers 404 for unknown endpoints and 405 for a wrong verb", async () => {
    const emu = await emulator();
    expect((await call(emu, "GET", "/nope")).json).toMatchObject({
      statusCode: 404,
      name: "not_found",
    });
    expect((await call(emu, "DELETE", "/emails")).json).toMatchObject({
      statusCode: 405,
      name: "method_not_allowed",
    });
  });
});

describe("scheduling", () => {
  it("schedules, reschedules and cancels through the SDK", async () => {
    const emu = await emulator();
    const resend = sdk(emu);
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const sent = await resend.emails.send({ ...basicEmail, scheduledAt: at });
    const id = sent.data!.id;
    expect((await resend.emails.get(id)).data).toMatchObject({
      last_event: "scheduled",
      scheduled_at: at,
    });
    expect(emu.events.map((event) => event.type)).toEqual(["email.scheduled"]);

    const later = new Date(Date.now() + 7_200_000).toISOString();
    expect((await resend.emails.update({ id, scheduledAt: later })).data).toEqual({
      object: "email",
      id,
    });
    expect((await resend.emails.get(id)).data?.scheduled_at).toBe(later);

    expect((await resend.emails.cancel(id)).data).toEqual({ object: "email", id });
    expect((await resend.emails.get(id)).data?.last_event).toBe("canceled");
    const again = await resend.emails.update({ id, scheduledAt: later });
    expect(again.error).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect((await resend.emails.cancel(id)).error?.statusCode).toBe(422);
  });

  it("accepts natural language and sends when the time comes", async () => {
    let now = Date.parse("2026-11-20T10:00:00Z");
    const emu = await emulator({ now: () => now });
    const sent = await sdk(emu).emails.send({ ...basicEmail, scheduledAt: "in 1 min" });
    expect(emu.emails[0]!.scheduledAt).toBe("2026-11-20T10:01:00.000Z");
    expect(emu.flushScheduled()).toHaveLength(0);
    now += 61_000;
    expect(emu.flushScheduled().map((email) => email.id)).toEqual([sent.data!.id]);
    await emu.waitForDeliveries();
    expect(emu.events.map((event) => event.type)).toEqual([
      "email.scheduled",
      "email.sent",
      "email.delivered",
    ]);
  });

  it("sends on its own timer when the scheduled time passes", async () => {
    const emu = await emulator();
    await sdk(emu).emails.send({
      ...basicEmail,
      scheduledAt: new Date(Date.now() + 30).toISOString(),
    });
    await emu.waitForDeliveries(() => emu.emails[0]!.lastEvent === "delivered");
    expect(emu.events.map((event) => event.type)).toEqual([
      "email.scheduled",
      "email.sent",
      "email.delivered",
    ]);
  });

  it("parses tomorrow at 9am", async () => {
    const emu = await emulator({ now: () => Date.parse("2026-11-20T22:00:00Z") });
    await call(emu, "POST", "/emails", {
      body: { ...basicEmail, scheduled_at: "tomorrow at 9am" },
    });
    expect(emu.emails[0]!.scheduledAt).toBe("2026-11-21T09:00:00.000Z");
  });
});
