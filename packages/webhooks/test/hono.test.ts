import { Hono } from "hono";
import { createWebhookHandler } from "../src/index.js";
import { streamingSend } from "./support/endpoint.js";
import { describeWebhookEndpoint } from "./support/suite.js";

// The docs/webhooks.md recipe for Web-standard frameworks, inside a real Hono app: Hono hands
// `handle` its untouched `Request` (`c.req.raw`), so nothing is parsed before verification.
describeWebhookEndpoint("Hono 4 app (docs recipe, app.request)", async (options) => {
  const anymail = createWebhookHandler(options);
  const app = new Hono();
  app.all("/anymail/*", (c) => anymail.handle(c.req.raw));
  const send = (path: string, init: RequestInit) => Promise.resolve(app.request(path, init));
  return { send, sendSlowly: streamingSend(send), close: async () => {} };
});
