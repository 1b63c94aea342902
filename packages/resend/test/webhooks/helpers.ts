import type { RawWebhookRequest } from "@anymail/core";
import { svixSignedHeaders } from "@anymail/emulator/testing";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const OTHER_SECRET = "whsec_dGhpcyBpcyBhIGRpZmZlcmVudCBrZXkhIQ==";

export interface SignOptions {
  secret?: string;
  id?: string;
  at?: Date;
  headerPrefix?: "svix" | "webhook";
}

/** Signs `body` as Resend does (svix), with the repository's one svix signer. */
export function signedHeaders(body: string | Uint8Array, options: SignOptions = {}): Headers {
  return new Headers(
    svixSignedHeaders(options.secret ?? SECRET, body, {
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(options.at === undefined ? {} : { at: options.at }),
      prefix: options.headerPrefix ?? "svix",
    }),
  );
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
