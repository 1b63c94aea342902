import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { InboundEvent, TrackingEvent } from "@anymail/core";
import { createWebhookHandler } from "@anymail/webhooks";
import { mailgunWebhooks } from "../../src/index.js";

export interface WebhookApp {
  url: string;
  tracking: TrackingEvent[];
  inbound: InboundEvent[];
  statuses: number[];
  close(): Promise<void>;
}

/** A real HTTP server running @anymail/webhooks with mailgunWebhooks (node:http → Web Request). */
export async function startWebhookApp(signingKey: string): Promise<WebhookApp> {
  const tracking: TrackingEvent[] = [];
  const inbound: InboundEvent[] = [];
  const statuses: number[] = [];
  const handler = createWebhookHandler({
    providers: [mailgunWebhooks({ webhookSigningKey: signingKey })],
    onTracking: (event) => {
      tracking.push(event);
    },
    onInbound: (event) => {
      inbound.push(event);
    },
    logger: () => {},
  } as Parameters<typeof createWebhookHandler>[0]);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const response = await handler.handle(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: Buffer.concat(chunks),
      }),
    );
    statuses.push(response.status);
    res.writeHead(response.status, { "content-type": "text/plain" });
    res.end(await response.text());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tracking,
    inbound,
    statuses,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
