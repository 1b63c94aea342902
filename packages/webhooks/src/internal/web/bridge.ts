import type { WebhookEngine } from "../engine.js";
import type { WebhookInput } from "../input.js";
import { textReply, toResponse } from "../reply.js";
import { webBody } from "./body.js";

/** The engine's view of a Web `Request`; `context.request` is that very request. */
export function fromWebRequest(request: Request, pathname: string): WebhookInput {
  return {
    method: request.method,
    url: request.url,
    pathname,
    headers: request.headers,
    body: webBody(request),
    toRequest: () => request,
  };
}

/** `Request` → `Response` through the engine: `handle()` and the Next route handlers. */
export async function handleWebRequest(engine: WebhookEngine, request: Request): Promise<Response> {
  let pathname: string;
  try {
    pathname = new URL(request.url).pathname;
  } catch {
    return toResponse(textReply(404, "Not found"));
  }
  return toResponse(await engine.process(fromWebRequest(request, pathname)));
}
