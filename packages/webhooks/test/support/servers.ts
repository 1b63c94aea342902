import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { TrackingEvent, WebhookHandlerOptions } from "../../src/index.js";
import { testProvider } from "./signing.js";

/** Listens on 127.0.0.1 with a free port; resolves to the base URL and a closer. */
export async function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Handler options that verify tracking deliveries and record every event. */
export function trackingRecorder(): { events: TrackingEvent[]; options: WebhookHandlerOptions } {
  const events: TrackingEvent[] = [];
  return {
    events,
    options: {
      providers: [testProvider()],
      onTracking: (event) => {
        events.push(event);
      },
      logger: () => {},
    },
  };
}
