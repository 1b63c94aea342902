import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk, startHookReceiver } from "./helpers.js";

/** A request with full control of `Host` and `Origin` (fetch would set its own Host). */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const inboundBody = JSON.stringify({
  from: "attacker@example.org",
  to: "support@example.com",
  subject: "forged",
  text: "x",
});

describe("the inspection API answers loopback callers only (issue 17, defect 2)", () => {
  it("refuses a cross-origin page: no wildcard CORS, no data, no preflight approval", async () => {
    const emu = await emulator();
    await sdk(emu).emails.send(basicEmail);
    const host = new URL(emu.url).host;
    const read = await raw(emu.url, "GET", "/_emulator/emails", {
      host,
      origin: "https://evil.example",
    });
    expect(read.status).toBe(403);
    expect(read.headers["access-control-allow-origin"]).toBeUndefined();
    expect(read.text).not.toContain(emu.emails[0]!.id);
    const preflight = await raw(emu.url, "OPTIONS", "/_emulator/receive", {
      host,
      origin: "https://evil.example",
      "access-control-request-method": "POST",
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses a cross-origin simple POST /_emulator/receive: nothing stored, no webhook", async () => {
    const receiver = await startHookReceiver();
    const emu = await emulator({ webhooks: [{ url: receiver.url }] });
    // text/plain needs no preflight: the browser sends it and only hides the answer.
    const forged = await raw(
      emu.url,
      "POST",
      "/_emulator/receive",
      { host: new URL(emu.url).host, origin: "https://evil.example", "content-type": "text/plain" },
      inboundBody,
    );
    expect(forged.status).toBe(403);
    await emu.waitForDeliveries();
    expect(emu.received).toHaveLength(0);
    expect(receiver.hooks).toHaveLength(0);
  });

  it("refuses a DNS-rebinding request (attacker's host name, no Origin) to inspection and receive", async () => {
    const receiver = await startHookReceiver();
    const emu = await emulator({ webhooks: [{ url: receiver.url }] });
    const port = new URL(emu.url).port;
    for (const host of [`rebind.evil.example:${port}`, "evil.example", "127.0.0.1.evil.example"]) {
      const read = await raw(emu.url, "GET", "/_emulator/webhooks", { host });
      expect(read.status, host).toBe(403);
      expect(read.text).not.toContain("whsec_");
      const forged = await raw(
        emu.url,
        "POST",
        "/_emulator/receive",
        { host, "content-type": "application/json" },
        inboundBody,
      );
      expect(forged.status, host).toBe(403);
    }
    expect(emu.received).toHaveLength(0);
    expect(receiver.hooks).toHaveLength(0);
  });

  it("lets loopback pages and tools in, reflecting only their origin", async () => {
    const emu = await emulator();
    const port = new URL(emu.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
      expect((await raw(emu.url, "GET", "/_emulator/emails", { host })).status, host).toBe(200);
    }
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"]) {
      const answer = await raw(emu.url, "GET", "/_emulator/emails", {
        host: `127.0.0.1:${port}`,
        origin,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers["access-control-allow-origin"]).toBe(origin);
    }
    // Look-alikes of loopback origins are not loopback.
    for (const origin of [
      "http://localhost.evil.example",
      "https://localhost:5173",
      "http://127.0.0.1@evil.example",
      "null",
    ]) {
      const answer = await raw(emu.url, "GET", "/_emulator/emails", {
        host: `127.0.0.1:${port}`,
        origin,
      });
      expect(answer.status, origin).toBe(403);
    }
    const posted = await raw(
      emu.url,
      "POST",
      "/_emulator/receive",
      { host: `localhost:${port}`, "content-type": "application/json" },
      inboundBody,
    );
    expect(posted.status).toBe(200);
    expect(emu.received).toHaveLength(1);
  });
});

describe("inspection responses never carry secrets in clear", () => {
  it("masks API keys, whsec_ secrets and webhook URL user-info everywhere", async () => {
    const receiver = await startHookReceiver();
    const key = "re_live_9f8e7d6c5b4a3210SECRETKEY";
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const withAuth = receiver.url.replace("http://", "http://hookuser:hookpass@");
    const emu = await emulator({ webhooks: [{ url: withAuth, secret }] });
    await sdk(emu, key).emails.send({ ...basicEmail, text: `my key is ${key}` });
    await emu.waitForDeliveries();
    expect(receiver.hooks.length).toBeGreaterThan(0);
    // The endpoint itself got basic auth from the URL's user-info.
    expect(receiver.hooks[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from("hookuser:hookpass").toString("base64")}`,
    );
    const everything: string[] = [];
    for (const path of ["emails", "events", "deliveries", "webhooks", "received", ""]) {
      const answer = await call(emu, "GET", `/_emulator/${path}`, { key: null });
      expect(answer.status).toBe(200);
      everything.push(answer.text);
    }
    const text = everything.join("\n");
    for (const leaked of [key, secret, "hookpass", "hookuser:"]) expect(text).not.toContain(leaked);
    const [stored] = JSON.parse(everything[0]!) as { apiKey: string; text: string }[];
    expect(stored!.apiKey).toBe("re_…TKEY");
    expect(stored!.text).toBe("my key is re_…TKEY");
    const [hook] = JSON.parse(everything[3]!) as { secret: string; url: string }[];
    expect(hook!.secret).toBe("whsec_…LaSw");
    expect(hook!.url).toBe(receiver.url.replace("http://", "http://***@"));
    // In-process access (tests, the playground) keeps the real values.
    expect(emu.emails[0]!.apiKey).toBe(key);
    expect(emu.webhooks[0]!.secret).toBe(secret);
  });
});

describe("malformed requests are the client's error", () => {
  it("answers 400 in Resend's shape for malformed percent-encoding in a path", async () => {
    const emu = await emulator();
    for (const path of ["/emails/%ZZ", "/emails/%E0%A4%A", "/emails/receiving/%/attachments"]) {
      const answer = await call(emu, "GET", path);
      expect(answer.status, path).toBe(400);
      expect(answer.json).toMatchObject({ statusCode: 400, name: "validation_error" });
    }
  });
});
