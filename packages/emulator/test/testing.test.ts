import { Webhook } from "svix";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  seededRandom,
  svixSignedHeaders,
  svixSigner,
} from "../src/testing.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("@anymail/emulator/testing", () => {
  it("signs exactly as the svix library does, and svix verifies it", () => {
    const body = JSON.stringify({ type: "email.delivered", data: { email_id: "x" } });
    const at = new Date("2026-12-01T10:00:00Z");
    expect(svixSigner(SECRET)("msg_1", at, body)).toBe(new Webhook(SECRET).sign("msg_1", at, body));
    const headers = svixSignedHeaders(SECRET, body);
    expect(new Webhook(SECRET).verify(body, headers)).toMatchObject({ type: "email.delivered" });
    const standard = svixSignedHeaders(SECRET, body, { id: "msg_2", at, prefix: "webhook" });
    expect(standard).toMatchObject({ "webhook-id": "msg_2", "webhook-timestamp": "1796119200" });
    expect(standard["webhook-signature"]).toBe(new Webhook(SECRET).sign("msg_2", at, body));
  });

  it("signs raw bytes that are not UTF-8 (svix's own sign takes only strings)", () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const at = new Date();
    const signature = svixSigner(SECRET)("msg_3", at, bytes);
    const asLatin1 = svixSigner(SECRET)("msg_3", at, Buffer.from(bytes).toString("latin1"));
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(signature).not.toBe(asLatin1);
  });

  it("refuses a secret that is not whsec_ + base64, and generates valid ones", () => {
    expect(() => svixSigner("secret")).toThrow(/whsec_/);
    expect(() => svixSigner("whsec_not base64!")).toThrow(/whsec_/);
    const generated = generateWebhookSecret();
    expect(() => new Webhook(generated)).not.toThrow();
    expect(svixSigner(generated)("m", 1, "b")).toBe(
      new Webhook(generated).sign("m", new Date(1000), "b"),
    );
  });

  it("seededRandom replays the same sequence for a seed", () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    expect(take(7).every((n) => n >= 0 && n < 1)).toBe(true);
  });
});
