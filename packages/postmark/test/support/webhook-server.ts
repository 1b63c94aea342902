import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { InboundEvent, TrackingEvent } from "@anymail/core";
import { createWebhookHandler } from "@anymail/webhooks";
import { postmarkWebhooks } from "../../src/index.js";

export const WEBHOOK_AUTH = "postmark:hook-secret";

/** A real HTTP server running the anymail webhook handler with basic auth, recording events. */
export async function startWebhookServer() {
  const tracking: TrackingEvent[] = [];
  const inbound: InboundEvent[] = [];
  const handler = createWebhookHandler({
    providers: [postmarkWebhooks()],
    basicAuth: WEBHOOK_AUTH,
    onTracking: (event) => {
      tracking.push(event);
    },
    onInbound: (event) => {
      inbound.push(event);
    },
    logger: () => {},
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const response = await handler.handle(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method ?? "POST",
          headers,
          body: req.method === "POST" ? Buffer.concat(chunks) : null,
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const [user, password] = WEBHOOK_AUTH.split(":");
  return {
    tracking,
    inbound,
    /** The URL Postmark is given: basic auth in the user-info. */
    url: (kind: "tracking" | "inbound") =>
      `http://${user}:${password}@127.0.0.1:${port}/anymail/postmark/${kind}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
