import {
  cancelEmail,
  getEmail,
  getSentAttachment,
  listEmails,
  listSentAttachments,
  type RouteContext,
  sendBatch,
  sendEmail,
  updateEmail,
} from "./routes-emails.js";
import {
  getReceived,
  getReceivedAttachment,
  listReceived,
  listReceivedAttachments,
} from "./routes-receiving.js";
import type { RouteResponse } from "./http-io.js";

type Handler = (ctx: RouteContext) => RouteResponse;

/** A matched API route: `endpoint` is also the key used for fault injection, e.g. `GET /emails/:id`. */
export type RouteMatch =
  | { kind: "route"; endpoint: string; handler: Handler; params: string[] }
  | { kind: "method_not_allowed" }
  | { kind: "not_found" };

type Methods = Partial<Record<string, Handler>>;

/** Path patterns by segment; `:` marks a parameter. Fixed segments win over parameters. */
const ROUTES: [string, Methods][] = [
  ["/emails", { POST: sendEmail, GET: listEmails }],
  ["/emails/batch", { POST: sendBatch }],
  ["/emails/receiving", { GET: listReceived }],
  ["/emails/receiving/:id", { GET: getReceived }],
  ["/emails/receiving/:id/attachments", { GET: listReceivedAttachments }],
  ["/emails/receiving/:id/attachments/:id", { GET: getReceivedAttachment }],
  ["/emails/:id", { GET: getEmail, PATCH: updateEmail }],
  ["/emails/:id/cancel", { POST: cancelEmail }],
  ["/emails/:id/attachments", { GET: listSentAttachments }],
  ["/emails/:id/attachments/:id", { GET: getSentAttachment }],
];

const COMPILED = ROUTES.map(([pattern, methods]) => ({
  pattern,
  segments: pattern.split("/"),
  methods,
}));

export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split("/");
  for (const route of COMPILED) {
    if (route.segments.length !== segments.length) continue;
    const params: string[] = [];
    let matched = true;
    for (let i = 0; i < segments.length; i++) {
      const expected = route.segments[i]!;
      const actual = segments[i]!;
      if (expected === ":id") {
        if (actual === "") {
          matched = false;
          break;
        }
        params.push(decodeURIComponent(actual));
      } else if (expected !== actual) {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    const handler = route.methods[method];
    if (!handler) return { kind: "method_not_allowed" };
    return { kind: "route", endpoint: `${method} ${route.pattern}`, handler, params };
  }
  return { kind: "not_found" };
}
