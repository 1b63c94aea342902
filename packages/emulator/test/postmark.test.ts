// The Postmark personality over real HTTP: validation, error shape, auth, batch results, webhooks.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index.js";

let emu: Emulator;
const TOKEN = "pm-token";

beforeAll(async () => {
  emu = await startEmulator({
    provider: "postmark",
    port: 0,
    rateLimit: false,
    deliveryDelayMs: 1,
  });
});
afterAll(() => emu.close());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, emu.url), {
    method: "POST",
    headers: {
      "x-postmark-server-token": TOKEN,
      "content-type": "application/json",
      accept: "application/json",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read Postmark's JSON answers field by field
  return { status: response.status, body: (await response.json()) as any };
}

const message = {
  From: "shop@example.com",
  To: "ana@example.org",
  Subject: "Hi",
  TextBody: "Hello",
};

describe("Postmark personality: /email", () => {
  it("accepts a message and answers with To, SubmittedAt, MessageID, ErrorCode 0", async () => {
    const { status, body } = await post("/email", message);
    expect(status).toBe(200);
    expect(body).toMatchObject({ To: "ana@example.org", ErrorCode: 0, Message: "OK" });
    expect(typeof body.SubmittedAt).toBe("string");
    const stored = emu.emails.find((email) => email.id === body.MessageID)!;
    expect(stored).toMatchObject({
      provider: "postmark",
      subject: "Hi",
      text: "Hello",
      batch: false,
    });
  });

  it("refuses a missing or wrong server token with 401 and ErrorCode 10", async () => {
    const missing = await post("/email", message, { "x-postmark-server-token": "" });
    expect(missing.status).toBe(401);
    expect(missing.body.ErrorCode).toBe(10);
    const strict = await startEmulator({
      provider: "postmark",
      port: 0,
      rateLimit: false,
      apiKeys: ["right"],
    });
    try {
      const response = await fetch(new URL("/email", strict.url), {
        method: "POST",
        headers: { "x-postmark-server-token": "wrong", "content-type": "application/json" },
        body: JSON.stringify(message),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { ErrorCode: number }).ErrorCode).toBe(10);
    } finally {
      await strict.close();
    }
  });

  it.each([
    ["invalid JSON", "{nope", 402, /invalid JSON/],
    ["no From", { ...message, From: "" }, 300, /Invalid 'From' address/],
    ["no body", { ...message, TextBody: undefined }, 300, /TextBody or HtmlBody/],
    ["no recipients", { ...message, To: undefined }, 300, /Zero recipients/],
    ["a bad To", { ...message, To: "nobody" }, 300, /^Invalid 'To' address: 'nobody'\.$/],
    ["a bad Cc", { ...message, Cc: "x@" }, 300, /^Error parsing 'Cc': Illegal email address 'x@'/],
    ["a bad Reply-To", { ...message, ReplyTo: "x" }, 300, /^Error parsing 'Reply-To'/],
    ["an EAI local part", { ...message, To: "jörg@example.com" }, 300, /Invalid 'To' address/],
    [
      "51 recipients",
      { ...message, To: Array.from({ length: 51 }, (_, i) => `r${i}@example.org`).join(", ") },
      300,
      /at most 50/,
    ],
    ["a bad TrackLinks", { ...message, TrackLinks: "Always" }, 300, /TrackLinks/],
    [
      "long metadata names",
      { ...message, Metadata: { "a-very-long-metadata-name": "x" } },
      300,
      /Invalid metadata content/,
    ],
    [
      "a forbidden attachment",
      {
        ...message,
        Attachments: [{ Name: "x.exe", Content: "AA==", ContentType: "application/octet-stream" }],
      },
      300,
      /Forbidden attachment/,
    ],
    [
      "non-base64 content",
      { ...message, Attachments: [{ Name: "x.txt", Content: "%%", ContentType: "text/plain" }] },
      300,
      /not base64/,
    ],
    ["headers not a list", { ...message, Headers: { "X-A": "1" } }, 300, /Headers/],
  ])("answers 422 with an ErrorCode for %s", async (_title, body, code, text) => {
    const before = emu.emails.length;
    const response = await post("/email", body);
    expect(response.status).toBe(422);
    expect(response.body.ErrorCode).toBe(code);
    expect(response.body.Message).toMatch(text);
    expect(emu.emails.length).toBe(before);
  });

  it("answers 406 for an all-inactive message and names inactive ones in a partial success", async () => {
    const refused = await post("/email", {
      ...message,
      To: "inactive@bounce-testing.postmarkapp.com",
    });
    expect(refused.status).toBe(422);
    expect(refused.body.ErrorCode).toBe(406);
    expect(refused.body.Message).toMatch(
      /Found inactive addresses: inactive@bounce-testing\.postmarkapp\.com\.\s*Inactive recipients/,
    );
    const partial = await post("/email", {
      ...message,
      To: "Inactive@bounce-testing.postmarkapp.com, ok@example.org",
    });
    expect(partial.status).toBe(200);
    expect(partial.body.Message).toMatch(
      /inactive addresses: inactive@bounce-testing\.postmarkapp\.com\. Inactive recipients/,
    );
    expect(emu.emails.find((e) => e.id === partial.body.MessageID)!.to).toEqual(["ok@example.org"]);
  });
});

describe("Postmark personality: templates and batches", () => {
  it("sends with a template by id or alias, refusing a subject beside it", async () => {
    const byAlias = await post("/email/withTemplate", {
      From: "shop@example.com",
      To: "ana@example.org",
      TemplateAlias: "welcome",
      TemplateModel: { name: "Ana" },
    });
    expect(byAlias.status).toBe(200);
    expect(emu.emails.find((e) => e.id === byAlias.body.MessageID)!.template).toEqual({
      id: "welcome",
      variables: { name: "Ana" },
    });
    const byId = await post("/email/withTemplate/", {
      From: "shop@example.com",
      To: "ana@example.org",
      TemplateId: 1234,
      TemplateModel: {},
    });
    expect(byId.status).toBe(200);
    const withSubject = await post("/email/withTemplate", {
      From: "shop@example.com",
      To: "ana@example.org",
      TemplateId: 1234,
      TemplateModel: {},
      Subject: "Hi",
    });
    expect(withSubject.status).toBe(422);
    expect(withSubject.body.ErrorCode).toBe(300);
    const noModel = await post("/email/withTemplate", {
      From: "shop@example.com",
      To: "ana@example.org",
      TemplateAlias: "welcome",
    });
    expect(noModel.body.Message).toMatch(/TemplateModel/);
  });

  it("answers a batch with one result per message, errors included", async () => {
    const { status, body } = await post("/email/batch", [
      message,
      { ...message, To: "bad" },
      { ...message, To: "inactive@bounce-testing.postmarkapp.com" },
      { ...message, To: "bob@example.org" },
    ]);
    expect(status).toBe(200);
    expect(body.map((r: { ErrorCode: number }) => r.ErrorCode)).toEqual([0, 300, 406, 0]);
    expect(body[3].To).toBe("bob@example.org");
    expect(emu.emails.find((e) => e.id === body[0].MessageID)!.batch).toBe(true);
  });

  it("takes { Messages } on /email/batchWithTemplates", async () => {
    const { status, body } = await post("/email/batchWithTemplates", {
      Messages: [
        { From: "shop@example.com", To: "a@example.org", TemplateId: 1, TemplateModel: { n: 1 } },
        { From: "shop@example.com", To: "b@example.org", TemplateId: 1, TemplateModel: { n: 2 } },
      ],
    });
    expect(status).toBe(200);
    expect(body.map((r: { To: string }) => r.To)).toEqual(["a@example.org", "b@example.org"]);
  });

  it("refuses batches that are not lists or hold more than 500 messages", async () => {
    expect((await post("/email/batch", message)).body.ErrorCode).toBe(402);
    const big = await post(
      "/email/batch",
      Array.from({ length: 501 }, () => message),
    );
    expect(big.status).toBe(422);
    expect(big.body.Message).toMatch(/at most 500/);
  });

  it("has no idempotency: the same request twice is two messages", async () => {
    const first = await post("/email", message, { "idempotency-key": "k1" });
    const second = await post("/email", message, { "idempotency-key": "k1" });
    expect(first.body.MessageID).not.toBe(second.body.MessageID);
  });
});

describe("Postmark personality: webhooks", () => {
  let server: Server;
  // biome-ignore lint/suspicious/noExplicitAny: tests read Postmark's JSON payloads field by field
  const received: { path: string; headers: IncomingHttpHeaders; body: any }[] = [];
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it("posts unsigned JSON events with the URL's basic auth, tracking and inbound apart", async () => {
    const hooks = await startEmulator({
      provider: "postmark",
      port: 0,
      rateLimit: false,
      deliveryDelayMs: 1,
      webhooks: [
        { url: `http://user:pass@${base}/tracking`, events: ["Delivery", "Bounce"] },
        { url: `http://user:pass@${base}/inbound`, events: ["Inbound"] },
      ],
    });
    try {
      const response = await fetch(new URL("/email", hooks.url), {
        method: "POST",
        headers: { "x-postmark-server-token": TOKEN, "content-type": "application/json" },
        body: JSON.stringify({ ...message, Tag: "welcome", Metadata: { order: 7 } }),
      });
      const { MessageID } = (await response.json()) as { MessageID: string };
      await hooks.receive({
        from: "Ana <ana@example.org>",
        to: "in@example.com",
        subject: "In",
        text: "Hi",
      });
      await hooks.waitForDeliveries((d) => d.filter((x) => x.ok).length >= 2);

      const delivery = received.find((r) => r.path === "/tracking")!;
      expect(delivery.headers.authorization).toBe(`Basic ${btoa("user:pass")}`);
      expect(delivery.body).toMatchObject({
        RecordType: "Delivery",
        MessageID,
        Recipient: "ana@example.org",
        Tag: "welcome",
        Metadata: { order: "7" },
      });
      expect(Number.isNaN(Date.parse(delivery.body.DeliveredAt))).toBe(false);

      const inbound = received.find((r) => r.path === "/inbound")!;
      expect(inbound.headers.authorization).toBe(`Basic ${btoa("user:pass")}`);
      expect(inbound.body).toMatchObject({
        FromFull: { Email: "ana@example.org", Name: "Ana" },
        ToFull: [{ Email: "in@example.com", Name: "" }],
        Subject: "In",
        OriginalRecipient: "in@example.com",
      });
      expect(inbound.body.Headers[0]).toEqual({ Name: "Return-Path", Value: "<ana@example.org>" });
      expect(inbound.body.RawEmail).toContain("Subject: In");
      // Postmark has no "sent" webhook.
      expect(hooks.events.map((e) => e.type)).not.toContain("sent");
    } finally {
      await hooks.close();
    }
  });

  it("bounces and complains for the bounce-testing addresses", async () => {
    const local = await startEmulator({
      provider: "postmark",
      port: 0,
      rateLimit: false,
      deliveryDelayMs: 1,
    });
    try {
      for (const to of [
        "hardbounce@bounce-testing.postmarkapp.com",
        "spamcomplaint@bounce-testing.postmarkapp.com",
      ]) {
        await fetch(new URL("/email", local.url), {
          method: "POST",
          headers: { "x-postmark-server-token": TOKEN, "content-type": "application/json" },
          body: JSON.stringify({ ...message, To: to }),
        });
      }
      await local.waitForDeliveries();
      const types = local.events.map((e) => [e.type, (e.payload as { Type?: string }).Type]);
      expect(types).toContainEqual(["Bounce", "HardBounce"]);
      expect(types).toContainEqual(["SpamComplaint", "SpamComplaint"]);
    } finally {
      await local.close();
    }
  });
});
