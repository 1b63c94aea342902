/**
 * An answer as plain data: the Node adapters write it straight to the socket, and
 * `handle()` turns it into a Web `Response`, so no `Response` exists on the Node path.
 */
export interface WebhookReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Empty for no body. */
  readonly body: string;
}

const PLAIN_TEXT: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/plain; charset=utf-8",
  "cache-control": "no-store",
});

/** A `text/plain`, never-cached answer; a non-empty body gets a trailing newline. */
export function textReply(
  status: number,
  body: string,
  headers?: Readonly<Record<string, string>>,
): WebhookReply {
  return {
    status,
    headers: headers === undefined ? PLAIN_TEXT : { ...PLAIN_TEXT, ...headers },
    body: body === "" ? "" : `${body}\n`,
  };
}

/** The answer to every handled delivery, shared because nothing mutates it. */
export const HANDLED: WebhookReply = Object.freeze(textReply(200, ""));

/** HEAD on a served route: an empty 200 without headers. */
export const HEAD_OK: WebhookReply = Object.freeze({ status: 200, headers: {}, body: "" });

/** The Web form of a reply, for `handle(Request)` and the Next adapter. */
export function toResponse(reply: WebhookReply): Response {
  return new Response(reply.body === "" ? null : reply.body, {
    status: reply.status,
    headers: reply.headers,
  });
}
