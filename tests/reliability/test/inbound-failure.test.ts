import type { InboundEvent } from "@anymail/core";
import { resendWebhooks } from "@anymail/resend";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { createWebhookHandler } from "@anymail/webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findLeakedSecrets } from "./helpers/secret-scan.js";
import { type StallingProxy, startStallingProxy } from "./helpers/stalling-proxy.js";
import { makeSecret } from "./helpers/webhook-fixtures.js";
import { startWebServer, type WebServer } from "./helpers/web-server.js";

const INBOUND_SECRET = makeSecret("inbound");
const API_KEY = "re_inbound_api_key_123456";

interface Rig {
  emu: ResendEmulator;
  proxy: StallingProxy;
  server: WebServer;
  received: InboundEvent[];
  responses: number[];
  logs: unknown[];
}
let rig: Rig;

beforeEach(async () => {
  const received: InboundEvent[] = [];
  const responses: number[] = [];
  const logs: unknown[] = [];
  // Built last (it needs the proxy's URL); the server only forwards to it.
  let handle: (request: Request) => Promise<Response> = async () =>
    new Response(null, { status: 503 });
  const server = await startWebServer(async (request) => {
    const response = await handle(request);
    responses.push(response.status);
    return response;
  });
  const emu = await startResendEmulator({
    port: 0,
    rateLimit: false,
    apiKeys: [API_KEY],
    webhookRetryScheduleMs: [0, 30, 60, 120, 240, 480, 960],
    webhooks: [
      {
        url: `${server.url}/anymail/resend/inbound`,
        secret: INBOUND_SECRET,
        events: ["email.received"],
      },
    ],
  });
  const proxy = await startStallingProxy(emu.url);
  const handler = createWebhookHandler({
    providers: [
      resendWebhooks({
        inboundSecret: INBOUND_SECRET,
        apiKey: API_KEY,
        apiUrl: `${proxy.url}/`,
        fetchTimeoutMs: 400,
      }),
    ],
    onInbound: async (event: InboundEvent) => {
      received.push(event);
    },
    logger: (record: unknown) => logs.push(record),
  });
  handle = (request) => handler.handle(request);
  rig = { emu, proxy, server, received, responses, logs };
});

afterEach(async () => {
  await rig.emu.close();
  await rig.proxy.close();
  await rig.server.close();
});

/** A download is any proxied request without our API key: the signed links. */
const isDownload = (r: { path: string }) => !r.path.startsWith("/emails/");

describe("inbound under failure", () => {
  it("a download that times out answers 5xx, delivers nothing, and the redelivery succeeds once", async () => {
    let stalls = 0;
    rig.proxy.stallWhen = (r) => isDownload(r) && stalls++ < 2;
    const attachment = new Uint8Array(4096).map((_, i) => i & 0xff);
    await rig.emu.receive({
      from: "Ana <ana@example.org>",
      to: "support@inbound.example",
      subject: "Broken download",
      text: "hello there",
      attachments: [
        { filename: "blob.bin", content: attachment, contentType: "application/octet-stream" },
      ],
    });
    await rig.emu.waitForDeliveries(undefined, { timeoutMs: 20_000 });

    expect(stalls).toBeGreaterThanOrEqual(2);
    // The two stalled attempts were answered with a 5xx so Resend retries...
    const failures = rig.responses.filter((s) => s >= 500);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(rig.responses).not.toContain(599); // (599 = the handler threw instead of answering)
    // ...then exactly one complete message reached onInbound.
    expect(rig.received).toHaveLength(1);
    const message = rig.received[0]!.message;
    expect(message.subject).toBe("Broken download");
    expect(message.text?.trim()).toBe("hello there");
    const blob = message.attachments.find((a) => a.filename === "blob.bin");
    expect(blob && Buffer.from(blob.content).equals(Buffer.from(attachment))).toBe(true);
    // The API key only ever went to the API, never to a download link.
    const downloads = rig.proxy.requests.filter(isDownload);
    expect(downloads.length).toBeGreaterThan(0);
    for (const request of downloads) expect(request.authorization).toBeUndefined();
    expect(findLeakedSecrets(rig.logs, [API_KEY, INBOUND_SECRET])).toEqual([]);
  });

  it("the API itself failing (500) answers 5xx and delivers nothing until it recovers", async () => {
    let failures = 0;
    rig.proxy.failWhen = (r) => r.authorization !== undefined && failures++ < 3;
    await rig.emu.receive({
      from: "ana@example.org",
      to: "support@inbound.example",
      subject: "API down",
      text: "x",
    });
    await rig.emu.waitForDeliveries(undefined, { timeoutMs: 20_000 });
    expect(rig.responses.filter((s) => s >= 500).length).toBeGreaterThanOrEqual(1);
    expect(rig.received).toHaveLength(1);
    expect(rig.received[0]!.message.subject).toBe("API down");
  });

  const hostileMime: [string, string | Uint8Array][] = [
    ["no headers at all", "just some text with no header block"],
    [
      "unterminated multipart",
      'From: a@example.org\r\nTo: b@inbound.example\r\nSubject: trunc\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhalf a message',
    ],
    [
      "invalid base64 part",
      'From: a@example.org\r\nTo: b@inbound.example\r\nSubject: b64\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n--B\r\nContent-Type: application/pdf; name="x.pdf"\r\nContent-Disposition: attachment; filename="x.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64***\r\n--B--\r\n',
    ],
    [
      "unknown charset",
      "From: a@example.org\r\nTo: b@inbound.example\r\nSubject: =?x-klingon?Q?qapla=27?=\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nnuqneH\r\n",
    ],
    [
      "unknown transfer encoding",
      "From: a@example.org\r\nTo: b@inbound.example\r\nSubject: te\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nuryyb\r\n",
    ],
    [
      "header line without a colon and NUL bytes",
      "From: a@example.org\r\nTo: b@inbound.example\r\nThis is not a header\r\nSubject: nul\u0000byte\r\n\r\nbody\u0000\r\n",
    ],
    [
      "raw 8-bit latin-1 headers",
      Buffer.from(
        "From: Jos\xe9 <a@example.org>\r\nTo: b@inbound.example\r\nSubject: caf\xe9\r\n\r\nol\xe9\r\n",
        "latin1",
      ),
    ],
    [
      "1,000 nested multiparts",
      `From: a@example.org\r\nTo: b@inbound.example\r\nSubject: deep\r\n${Array.from({ length: 1000 }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join("")}Content-Type: text/plain\r\n\r\ncore\r\n`,
    ],
  ];

  it.each(hostileMime)(
    "malformed MIME (%s): a whole message or a clean refusal, never half",
    async (_label, raw) => {
      const bytes = typeof raw === "string" ? Buffer.from(raw) : Buffer.from(raw);
      try {
        await rig.emu.receive({ raw: bytes });
      } catch (error) {
        // The emulator refusing to accept it is fine for us: nothing reached the handler.
        expect(rig.received).toEqual([]);
        console.log(`emulator refused ${_label}: ${String(error)}`);
        return;
      }
      await rig.emu.waitForDeliveries(undefined, { timeoutMs: 20_000 });
      expect(rig.responses).not.toContain(599);
      expect(rig.responses.length).toBeGreaterThan(0);
      if (rig.received.length === 0) {
        // Refused every time: must be a definite answer, a 4xx (bad payload) or 5xx (retry).
        for (const status of rig.responses) expect(status).toBeGreaterThanOrEqual(400);
        return;
      }
      expect(rig.received).toHaveLength(1);
      const message = rig.received[0]!.message;
      expect(typeof message.subject).toBe("string");
      expect(Array.isArray(message.headers)).toBe(true);
      expect(Array.isArray(message.to)).toBe(true);
      for (const a of message.attachments) expect(a.content).toBeInstanceOf(Uint8Array);
      if (message.raw) expect(Buffer.from(message.raw).equals(bytes)).toBe(true);
    },
  );

  it("known non-UTF-8 charsets are decoded correctly", async () => {
    // (0x80–0x9F of windows-1252 are left out on purpose: Node 20's TextDecoder maps them to
    // C1 controls instead of € etc. — a platform limitation noted in docs/reliability.md.)
    const raw = Buffer.concat([
      Buffer.from(
        'From: a@example.org\r\nTo: b@inbound.example\r\nSubject: =?windows-1252?Q?caf=E9?=\r\nContent-Type: multipart/alternative; boundary="c"\r\n\r\n--c\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n',
      ),
      Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]),
      Buffer.from("\r\n--c\r\nContent-Type: text/html; charset=iso-8859-2\r\n\r\n<p>"),
      Buffer.from([0xb1, 0xe6]),
      Buffer.from("</p>\r\n--c--\r\n"),
    ]);
    await rig.emu.receive({ raw });
    await rig.emu.waitForDeliveries(undefined, { timeoutMs: 20_000 });
    expect(rig.received).toHaveLength(1);
    const message = rig.received[0]!.message;
    expect(message.subject).toBe("café");
    expect(message.text?.trim()).toBe("Привет");
    expect(message.html).toContain("ąć");
    expect(Buffer.from(message.raw!).equals(raw)).toBe(true);
  });
});
