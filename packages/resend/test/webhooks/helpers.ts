import type { RawWebhookRequest } from "@anymail/core";
import { Webhook } from "svix";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const OTHER_SECRET = "whsec_dGhpcyBpcyBhIGRpZmZlcmVudCBrZXkhIQ==";

export interface SignOptions {
  secret?: string;
  id?: string;
  at?: Date;
  headerPrefix?: "svix" | "webhook";
}

/** Signs `body` with the real svix library, as Resend does. */
export function signedHeaders(body: string, options: SignOptions = {}): Headers {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(options.secret ?? SECRET).sign(id, at, body);
  const prefix = options.headerPrefix ?? "svix";
  return new Headers({
    "content-type": "application/json",
    [`${prefix}-id`]: id,
    [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
    [`${prefix}-signature`]: signature,
  });
}

export function rawRequest(body: string | Uint8Array, headers: Headers): RawWebhookRequest {
  return {
    method: "POST",
    url: "https://app.example/anymail/resend/tracking",
    headers,
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
  };
}

export function signedRequest(payload: unknown, options: SignOptions = {}): RawWebhookRequest {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return rawRequest(body, signedHeaders(body, options));
}
