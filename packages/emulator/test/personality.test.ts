import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../src/emulator.js";
import { PERSONALITIES } from "../src/personalities/registry.js";
import { startWithPersonality } from "../src/start.js";
import { startEmulator } from "../src/index.js";
import { toyPersonality, type ToyPayload } from "./fixtures/toy-personality.js";
import { startHookReceiver } from "./helpers.js";

let running: Emulator<ToyPayload> | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function toy(options: Parameters<typeof startWithPersonality>[1] = {}) {
  running = await startWithPersonality(toyPersonality, {
    rateLimit: false,
    deliveryDelayMs: 1,
    ...options,
  });
  return running;
}

const basic = (key: string) => `Basic ${Buffer.from(`api:${key}`).toString("base64")}`;

describe("the personality interface carries a form-based, HMAC-signing ESP", () => {
  it("parses multipart bodies with repeated fields and files into the neutral stored email", async () => {
    const emu = await toy();
    const form = new FormData();
    form.append("from", "Shop <shop@example.com>");
    form.append("to", "a@example.com");
    form.append("to", "b@example.com");
    form.append("subject", "Hello");
    form.append("text", "Hi there");
    form.append("o:tag", "welcome");
    form.append("o:tag", "onboarding");
    form.append("v:order", "42");
    form.append("attachment", new Blob([new Uint8Array([0, 1, 2, 255])]), "bytes.bin");
    const response = await fetch(`${emu.url}/v3/mg.example.com/messages`, {
      method: "POST",
      headers: { authorization: basic("key-123") },
      body: form,
    });
    expect(response.status).toBe(200);
    const [stored] = emu.emails;
    expect(stored).toMatchObject({
      provider: "toy",
      from: "Shop <shop@example.com>",
      to: ["a@example.com", "b@example.com"],
      subject: "Hello",
      text: "Hi there",
      tags: ["welcome", "onboarding"],
      metadata: { order: "42" },
      apiKey: "key-123",
      request: { to: ["a@example.com", "b@example.com"], domain: "mg.example.com" },
    });
    expect(stored!.attachments[0]).toMatchObject({ filename: "bytes.bin", size: 4 });
    expect(Buffer.from(stored!.attachments[0]!.content!, "base64")).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    expect((await response.json()) as unknown).toEqual({
      id: stored!.messageId,
      message: "Queued. Thank you.",
    });
  });

  it("parses url-encoded bodies too, and answers auth and shared errors in the ESP's shape", async () => {
    const emu = await toy({ apiKeys: ["key-good"] });
    const url = `${emu.url}/v3/mg.example.com/messages`;
    const body = new URLSearchParams({ from: "a@example.com", to: "b@example.com", text: "x" });
    const ok = await fetch(url, {
      method: "POST",
      headers: { authorization: basic("key-good") },
      body,
    });
    expect(ok.status).toBe(200);
    const noAuth = await fetch(url, { method: "POST", body });
    expect([noAuth.status, await noAuth.text()]).toEqual([401, "Forbidden"]);
    const wrong = await fetch(url, {
      method: "POST",
      headers: { authorization: basic("key-x") },
      body,
    });
    expect(wrong.status).toBe(401);
    const missing = await fetch(`${emu.url}/v3/nowhere`, {
      headers: { authorization: basic("key-good") },
    });
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { message: "The requested endpoint does not exist." },
    ]);
    const badForm = await fetch(url, {
      method: "POST",
      headers: {
        authorization: basic("key-good"),
        "content-type": "multipart/form-data; boundary=x",
      },
      body: "--x\r\nnot a part",
    });
    expect(badForm.status).toBe(400);
    expect(await badForm.json()).toEqual({ message: "The request body is not a valid form." });
    expect(emu.emails).toHaveLength(1);
  });

  it("signs inside the payload, posts inbound as a form, and sends URL user-info as basic auth", async () => {
    const receiver = await startHookReceiver();
    const signingKey = "toy-signing-key";
    const emu = await toy({
      webhooks: [
        { url: receiver.url.replace("http://", "http://user:p%40ss@"), secret: signingKey },
      ],
    });
    await fetch(`${emu.url}/v3/mg.example.com/messages`, {
      method: "POST",
      headers: { authorization: basic("key-1") },
      body: new URLSearchParams({ from: "a@example.com", to: "bounce@example.com", text: "x" }),
    });
    await emu.receive({
      from: "ana@example.org",
      to: "support@example.com",
      subject: "Help",
      text: "Hi",
    });
    await emu.waitForDeliveries();
    // No event for "sent" in this ESP: only the bounce and the inbound post.
    expect(emu.events.map((event) => event.type).sort()).toEqual(["bounced", "received"]);
    expect(receiver.hooks).toHaveLength(2);
    for (const hook of receiver.hooks) {
      expect(hook.headers.authorization).toBe(
        `Basic ${Buffer.from("user:p@ss").toString("base64")}`,
      );
    }
    const tracking = receiver.hooks.find(
      (hook) => hook.headers["content-type"] === "application/json",
    )!;
    const { signature, "event-data": data } = JSON.parse(tracking.rawBody);
    expect(signature.signature).toBe(
      createHmac("sha256", signingKey)
        .update(signature.timestamp + signature.token)
        .digest("hex"),
    );
    expect(data).toMatchObject({ event: "bounced", recipient: "bounce@example.com" });
    const inbound = receiver.hooks.find((hook) =>
      hook.headers["content-type"]?.startsWith("application/x-www-form-urlencoded"),
    )!;
    const fields = new URLSearchParams(inbound.rawBody);
    expect(fields.get("sender")).toBe("ana@example.org");
    expect(fields.get("signature")).toBe(
      createHmac("sha256", signingKey)
        .update(fields.get("timestamp")! + fields.get("token")!)
        .digest("hex"),
    );
    // Inspection masks the user-info and the personality's key pattern.
    const listed = await (await fetch(`${emu.url}/_emulator/deliveries`)).text();
    expect(listed).not.toContain("p%40ss");
    const emails = await (await fetch(`${emu.url}/_emulator/emails`)).json();
    expect((emails as { apiKey: string }[])[0]!.apiKey).toBe("…");
  });

  it("registers Resend and refuses unknown providers", async () => {
    expect(Object.keys(PERSONALITIES)).toContain("resend");
    await expect(startEmulator({ provider: "nope" as "resend" })).rejects.toMatchObject({
      code: "invalid_options",
    });
  });
});
