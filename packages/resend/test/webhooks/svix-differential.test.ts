import { AnymailWebhookValidationFailure } from "@anymail/core";
import { seededRandom, svixSigner } from "@anymail/emulator/testing";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSvixVerifier, svixSecretKey } from "../../src/webhooks/svix.js";

// Our verifier against the svix package itself, over generated deliveries: svix's signer
// produces the good ones, and on every case svix's verify decides, ours must decide alike.
// The one intended difference: a body that is not valid UTF-8. svix verifies its decoded
// text (invalid bytes become U+FFFD), ours the exact bytes, as the ESP signs them.

const NOW = 1_790_000_000; // fixed clock: the ±5-minute edges are tested to the second
const CASES = 3000;
const random = seededRandom(20261201);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function randomBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, () => int(256));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const BODY_KINDS = ["json", "json-unicode", "bom", "not-json", "empty", "invalid-utf8"] as const;
type BodyKind = (typeof BODY_KINDS)[number];

function body(kind: BodyKind): Uint8Array {
  const json = JSON.stringify({
    type: "email.delivered",
    created_at: "2026-11-20T10:15:06.318Z",
    data: { email_id: `e${int(1e6)}`, to: ["ana@example.org"], n: random() },
  });
  switch (kind) {
    case "json":
      return encoder.encode(json);
    case "json-unicode":
      return encoder.encode(json.replace("ana", "ÅnA 😀 \u2028 名前"));
    case "bom":
      return encoder.encode(`\uFEFF${json}`);
    case "not-json":
      return encoder.encode(`{"type": ${int(100)}`);
    case "empty":
      return new Uint8Array(0);
    case "invalid-utf8": {
      const bytes = encoder.encode(json);
      const at = 1 + int(bytes.length - 2);
      const bad = pick([[0xc3, 0x28], [0xff], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x80]]);
      return Uint8Array.from([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)]);
    }
  }
}

const MUTATIONS = [
  "none",
  "tampered-body",
  "wrong-secret",
  "stale",
  "future",
  "edge-old",
  "edge-new",
  "just-stale",
  "just-future",
  "rotated-list",
  "junk-around",
  "v1a",
  "v2",
  "no-version",
  "extra-comma",
  "double-space",
  "padding-stripped",
  "truncated",
  "uppercase-version",
  "timestamp-junk-suffix",
  "timestamp-leading-zero",
  "timestamp-not-number",
  "timestamp-decimal",
  "other-id",
  "missing-id",
  "missing-timestamp",
  "missing-signature",
  "webhook-prefix",
  "both-prefixes-conflict",
  "empty-svix-id-with-webhook-id",
  "signed-over-decoded-text",
] as const;
type Mutation = (typeof MUTATIONS)[number];

interface Case {
  secret: string;
  kind: BodyKind;
  mutation: Mutation;
  body: Uint8Array;
  headers: Headers;
}

function newSecret(): string {
  return `whsec_${base64(randomBytes(pick([16, 24, 32, 33])))}`;
}

function makeCase(): Case {
  const secret = newSecret();
  const kind = pick(BODY_KINDS);
  const mutation = pick(MUTATIONS);
  let bytes = body(kind);
  const id = `msg_${int(1e9).toString(36)}`;
  const offsets: Partial<Record<Mutation, number>> = {
    stale: -301 - int(10_000),
    future: 301 + int(10_000),
    "edge-old": -300,
    "edge-new": 300,
    "just-stale": -301,
    "just-future": 301,
  };
  const signedAt = NOW + (offsets[mutation] ?? int(600) - 300);
  const sign = (key: string, signed: Uint8Array | string, signedId = id) =>
    svixSigner(key)(signedId, signedAt, signed);
  let signature = sign(mutation === "wrong-secret" ? newSecret() : secret, bytes);
  if (mutation === "signed-over-decoded-text") signature = sign(secret, lenient.decode(bytes));
  if (mutation === "other-id") signature = sign(secret, bytes, `${id}x`);
  let timestamp = String(signedAt);
  const junk = `v1,${base64(randomBytes(32))}`;
  switch (mutation) {
    case "tampered-body": {
      bytes = bytes.length === 0 ? Uint8Array.of(0x20) : bytes.slice();
      const at = int(bytes.length);
      bytes[at] = bytes[at]! ^ (1 << int(7));
      break;
    }
    case "rotated-list":
      signature = `${junk} ${signature}`;
      break;
    case "junk-around":
      signature = `${junk} ${signature} v1a,${base64(randomBytes(32))}`;
      break;
    case "v1a":
      signature = signature.replace("v1,", "v1a,");
      break;
    case "v2":
      signature = signature.replace("v1,", "v2,");
      break;
    case "no-version":
      signature = signature.slice(3);
      break;
    case "extra-comma":
      signature = `${signature},${pick(["", "x", "v1"])}`;
      break;
    case "double-space":
      signature = `${junk}  ${signature}`;
      break;
    case "padding-stripped":
      signature = signature.replace(/=+$/, "");
      break;
    case "truncated":
      signature = signature.slice(0, -1 - int(10));
      break;
    case "uppercase-version":
      signature = signature.replace("v1,", "V1,");
      break;
    case "timestamp-junk-suffix":
      timestamp = `${timestamp}${pick(["abc", ".5", "e3", " 1"])}`;
      break;
    case "timestamp-leading-zero":
      timestamp = `0${timestamp}`;
      break;
    case "timestamp-not-number":
      timestamp = pick(["soon", "-", "abc123", "0x6a"]);
      break;
    case "timestamp-decimal":
      timestamp = `${signedAt}.999`;
      break;
    default:
      break;
  }
  const headers = new Headers();
  const prefix = mutation === "webhook-prefix" ? "webhook" : "svix";
  if (mutation !== "missing-id") headers.set(`${prefix}-id`, id);
  if (mutation !== "missing-timestamp") headers.set(`${prefix}-timestamp`, timestamp);
  if (mutation !== "missing-signature") headers.set(`${prefix}-signature`, signature);
  if (mutation === "both-prefixes-conflict") {
    headers.set("webhook-id", `${id}-other`);
    headers.set("webhook-timestamp", String(NOW - 3600));
    headers.set("webhook-signature", junk);
  }
  if (mutation === "empty-svix-id-with-webhook-id") {
    headers.set("svix-id", "");
    headers.set("webhook-id", id);
  }
  return { secret, kind, mutation, body: bytes, headers };
}

/**
 * What svix 1.x decides, fed the way the previous svix-based verifier fed it. With
 * `overBytes`, svix's HMAC input is swapped for the exact body bytes (its header, timestamp
 * and signature-list logic untouched): the scheme as the ESP applies it, which is what ours
 * must match when the body is not valid UTF-8.
 */
function svixAccepts(c: Case, overBytes = false): boolean {
  const record: Record<string, string> = {};
  for (const prefix of ["svix", "webhook"]) {
    for (const name of ["id", "timestamp", "signature"]) {
      const value = c.headers.get(`${prefix}-${name}`);
      if (value !== null) record[`${prefix}-${name}`] = value;
    }
  }
  const webhook = new Webhook(c.secret);
  if (overBytes) {
    const inner = (webhook as unknown as { inner: { sign: (id: string, at: Date) => string } })
      .inner;
    inner.sign = (id, at) => svixSigner(c.secret)(id, at, c.body);
  }
  try {
    webhook.verify(lenient.decode(c.body), record);
    return true;
  } catch (error) {
    // svix JSON-parses only after the signature matched.
    return error instanceof SyntaxError;
  }
}

async function oursAccepts(c: Case, engine: "auto" | "web-crypto"): Promise<boolean> {
  const verify = createSvixVerifier(c.secret, "RESEND_SIGNING_SECRET", engine);
  try {
    await verify(c.body, c.headers);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(AnymailWebhookValidationFailure);
    return false;
  }
}

describe("svix differential: our verifier decides as svix 1.x does", () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW * 1000);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it(`agrees with svix on ${CASES} generated deliveries (bytes, not text, when not UTF-8)`, async () => {
    const tally = new Map<string, { accepted: number; refused: number }>();
    let invalidUtf8Accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const c = makeCase();
      const label = `#${i} ${c.kind}/${c.mutation}`;
      const ours = await oursAccepts(c, "auto");
      expect(await oursAccepts(c, "web-crypto"), `${label}: Web Crypto vs node:crypto`).toBe(ours);
      expect(ours, `${label}: svix over the bytes`).toBe(svixAccepts(c, true));
      const svix = svixAccepts(c);
      if (isUtf8(c.body)) {
        expect(ours, `${label}: svix`).toBe(svix);
      } else if (c.mutation === "none") {
        // Signed over the exact bytes, as the ESP signs: ours accepts, svix (text) refuses.
        expect([ours, svix], label).toEqual([true, false]);
        invalidUtf8Accepted++;
      } else if (c.mutation === "signed-over-decoded-text") {
        // Signed over svix's decoded text: svix accepts bytes that were never signed.
        expect([ours, svix], label).toEqual([false, true]);
      }
      const key = `${c.mutation}`;
      const row = tally.get(key) ?? { accepted: 0, refused: 0 };
      row[ours ? "accepted" : "refused"]++;
      tally.set(key, row);
    }
    // Not vacuous: every mutation was generated, and both verdicts occur where they should.
    expect([...tally.keys()].sort()).toEqual([...MUTATIONS].sort());
    expect(invalidUtf8Accepted).toBeGreaterThan(0);
    for (const accepted of ["none", "rotated-list", "junk-around", "edge-old", "edge-new"]) {
      expect(tally.get(accepted)!.accepted, accepted).toBeGreaterThan(0);
    }
    for (const refused of ["tampered-body", "wrong-secret", "just-stale", "just-future", "v1a"]) {
      expect(tally.get(refused)!.accepted, refused).toBe(0);
    }
  });

  it("accepts the signatures svix's own signer produces", async () => {
    for (let i = 0; i < 200; i++) {
      const secret = newSecret();
      const text = JSON.stringify({ i, s: "ÅnA 😀", r: random() });
      const at = new Date((NOW - 300 + int(601)) * 1000);
      const signature = new Webhook(secret).sign(`msg_${i}`, at, text);
      const headers = new Headers({
        "svix-id": `msg_${i}`,
        "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
        "svix-signature": signature,
      });
      for (const engine of ["auto", "web-crypto"] as const) {
        const verify = createSvixVerifier(secret, "S", engine);
        await expect(Promise.resolve(verify(encoder.encode(text), headers))).resolves.toBe(
          undefined,
        );
      }
    }
  });

  it("takes the same key out of a secret as svix, and refuses malformed ones svix refuses", () => {
    for (let i = 0; i < 300; i++) {
      const key = randomBytes(1 + int(64));
      const plain = base64(key);
      for (const secret of [`whsec_${plain}`, plain]) {
        expect(svixSecretKey(secret)).toEqual(key);
        // Same key ⇒ same signature as svix's signer.
        const signature = new Webhook(secret).sign("msg", new Date(NOW * 1000), "{}");
        expect(svixSigner(`whsec_${plain}`)("msg", NOW, "{}")).toBe(signature);
      }
    }
    const malformed = ["whsec_", "whsec_!!!not-base64!!!", "whsec_ab=c", "whsec_a", "whsec_abc=="];
    for (const secret of malformed) {
      expect(svixSecretKey(secret), secret).toBeUndefined();
    }
    // svix refuses these too (it decodes leniently, so it accepts some we refuse: a
    // truncated or padded-wrong secret is a paste error we report at startup instead).
    expect(() => new Webhook("whsec_!!!not-base64!!!")).toThrow();
    expect(() => new Webhook("whsec_ab=c")).toThrow();
  });
});
