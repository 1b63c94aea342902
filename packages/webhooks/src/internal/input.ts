import type { BodySource } from "./body-source.js";

/**
 * A request as the engine needs it, from a Web `Request` (web/bridge.ts) or straight from
 * a Node one (node/bridge.ts), which fills it without building a `Request` or a Web stream.
 */
export interface WebhookInput {
  method: string;
  /** The absolute URL, as providers see it in `RawWebhookRequest.url`. */
  url: string;
  /** The URL's path, which routes the request. */
  pathname: string;
  headers: Headers;
  body: BodySource;
  /** The Web `Request` for `context.request`; called only when a handler reads it. */
  toRequest(body: Uint8Array): Request;
}
