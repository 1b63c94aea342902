import { createHmac } from "node:crypto";
import type { InboundEvent, TrackingEvent } from "@anymail/core";
import { createWebhookHandler } from "@anymail/webhooks";
import { type MailgunWebhooksOptions, mailgunWebhooks } from "../../src/index.js";

export const KEY = "TEST_WEBHOOK_SIGNING_KEY";
/** For anymail's fixtures, whose signatures carry 2016–2018 timestamps. */
export const OLD_FIXTURES: MailgunWebhooksOptions = { maxAgeSeconds: 20 * 365 * 24 * 3600 };

/** Mailgun's signature, computed with node:crypto (independent of the Web Crypto code under test). */
export function mailgunSignature(timestamp: string, token: string, key = KEY): string {
  return createHmac("sha256", key).update(`${timestamp}${token}`).digest("hex");
}

let counter = 0;
export function freshToken(): string {
  counter += 1;
  return `${Date.now().toString(16)}${counter.toString(16).padStart(8, "0")}abcdef0123456789`;
}

export function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** Adds or completes the `signature` block of a JSON webhook (anymail's mailgun_sign_payload). */
export function signJson(
  payload: Record<string, unknown>,
  options: { key?: string; timestamp?: string; token?: string } = {},
): Record<string, unknown> {
  const block = (payload.signature ?? {}) as Record<string, string>;
  const token = block.token ?? options.token ?? freshToken();
  const timestamp = block.timestamp ?? options.timestamp ?? nowSeconds();
  payload.signature = {
    ...block,
    token,
    timestamp,
    signature: mailgunSignature(timestamp, token, options.key),
  };
  return payload;
}

export type LegacyFields = Record<string, string | string[] | File>;

/** Adds timestamp/token/signature fields (anymail's mailgun_sign_legacy_payload). */
export function signLegacy(fields: LegacyFields, key = KEY): LegacyFields {
  const last = (v: LegacyFields[string] | undefined) =>
    (Array.isArray(v) ? v.at(-1) : v) as string | undefined;
  fields.timestamp ??= "1234567890";
  fields.token ??= freshToken();
  const signature = mailgunSignature(last(fields.timestamp)!, last(fields.token)!, key);
  if (Array.isArray(fields.signature))
    fields.signature = [...fields.signature.slice(0, -1), signature];
  else fields.signature = signature;
  return fields;
}

export interface Harness {
  tracking: TrackingEvent[];
  inbound: InboundEvent[];
  post(kind: "tracking" | "inbound", body: BodyInit, contentType?: string): Promise<Response>;
  postJson(kind: "tracking" | "inbound", payload: unknown): Promise<Response>;
  /** urlencoded unless a field holds a File, then multipart (as Mailgun posts). */
  postForm(kind: "tracking" | "inbound", fields: LegacyFields): Promise<Response>;
}

/** A real @anymail/webhooks handler with mailgunWebhooks, recording events. */
export function harness(options: MailgunWebhooksOptions = {}): Harness {
  const tracking: TrackingEvent[] = [];
  const inbound: InboundEvent[] = [];
  const handler = createWebhookHandler({
    providers: [mailgunWebhooks({ webhookSigningKey: KEY, ...options })],
    onTracking: (event) => {
      tracking.push(event);
    },
    onInbound: (event) => {
      inbound.push(event);
    },
    logger: () => {},
  } as Parameters<typeof createWebhookHandler>[0]);
  const post = (kind: "tracking" | "inbound", body: BodyInit, contentType?: string) =>
    handler.handle(
      new Request(`https://app.example/anymail/mailgun/${kind}`, {
        method: "POST",
        body,
        headers: contentType === undefined ? {} : { "content-type": contentType },
      }),
    );
  return {
    tracking,
    inbound,
    post,
    postJson: (kind, payload) => post(kind, JSON.stringify(payload), "application/json"),
    postForm(kind, fields) {
      const multipart = Object.values(fields).some((v) => v instanceof File);
      if (multipart) {
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) {
          for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
        }
        return post(kind, form);
      }
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) {
        for (const one of Array.isArray(value) ? value : [value])
          params.append(name, one as string);
      }
      return post(kind, params.toString(), "application/x-www-form-urlencoded");
    },
  };
}
