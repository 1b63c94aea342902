import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  createMailer,
  featureTable,
  type InboundEvent,
  inlineImage,
  type Mailer,
} from "@anymail/core";
import { postmarkWebhooks } from "@anymail/postmark";
import { resend, resendWebhooks } from "@anymail/resend";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { anymailExpress } from "@anymail/webhooks/express";
import express, { type NextFunction, type Request, type Response } from "express";
import { type ComposeRequest, composeMessage } from "./internal/compose.js";
import { EventFeed } from "./internal/event-feed.js";
import { type FailoverDemo, startFailoverDemo } from "./internal/failover/failover-demo.js";
import { InboundWaiters } from "./internal/inbound-waiters.js";
import { generateSigningSecret } from "./internal/secrets.js";
import {
  describeError,
  describeInboundEvent,
  describeResult,
  describeTrackingEvent,
} from "./internal/serialize.js";
import { type InboundRequest, toEmulatorInbound } from "./internal/simulate-inbound.js";

/** Where the playground sends: the in-process emulator, or the real Resend API. */
export type PlaygroundMode = "emulator" | "resend";

export interface PlaygroundOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Read for `RESEND_API_KEY`, `RESEND_SIGNING_SECRET`, `RESEND_INBOUND_SECRET`. */
  env?: Record<string, string | undefined>;
}

export interface Playground {
  url: string;
  mode: PlaygroundMode;
  /** The in-process emulator in emulator mode. */
  emulator?: ResendEmulator;
  close(): Promise<void>;
}

const publicDir = fileURLToPath(new URL("../public/", import.meta.url));
const WEBHOOK_MOUNT = "/anymail";
/** Every Resend event type except inbound, which goes to its own endpoint. */
const RESEND_TRACKING_EVENTS = [
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.bounced",
  "email.complained",
  "email.opened",
  "email.clicked",
  "email.failed",
  "email.suppressed",
  "email.scheduled",
];

/**
 * Starts the playground: the page, its JSON API, a live event stream, and the anymail
 * webhook endpoint mounted through the Express adapter. Without `RESEND_API_KEY` it also
 * starts the Resend emulator, which delivers signed webhooks back to this server.
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const env = options.env ?? process.env;
  const realApiKey = env.RESEND_API_KEY?.trim() || undefined;
  const mode: PlaygroundMode = realApiKey ? "resend" : "emulator";

  const feed = new EventFeed();
  const inboundWaiters = new InboundWaiters();
  const app = express();
  app.disable("x-powered-by");

  // The webhook router is built once the emulator's URL is known; until then the route
  // answers 503 so an early delivery is retried rather than lost.
  let webhookRouter: express.Router | undefined;
  app.use(WEBHOOK_MOUNT, (request: Request, response: Response, next: NextFunction) => {
    if (webhookRouter === undefined) response.status(503).send("starting");
    else webhookRouter(request, response, next);
  });

  const server: Server = app.listen(options.port ?? 3000, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  let emulator: ResendEmulator | undefined;
  let apiKey: string;
  let webhookApiKey: string;
  let apiUrl: string | undefined;
  let signingSecret: string | undefined;
  let inboundSecret: string | undefined;
  // Emulator mode: one handler takes Resend's signed webhooks and Postmark's (which Postmark
  // authenticates only with basic auth in the URL), so every emulator posts with credentials.
  let webhookBasicAuth: string | undefined;
  let webhookBase = `${url}${WEBHOOK_MOUNT}`;
  if (mode === "emulator") {
    signingSecret = generateSigningSecret();
    inboundSecret = signingSecret;
    webhookBasicAuth = `playground:${randomBytes(16).toString("hex")}`;
    webhookBase = `http://${webhookBasicAuth}@127.0.0.1:${port}${WEBHOOK_MOUNT}`;
    emulator = await startResendEmulator({
      port: 0,
      webhooks: [
        {
          url: `${webhookBase}/resend/tracking`,
          secret: signingSecret,
          events: RESEND_TRACKING_EVENTS,
        },
        {
          url: `${webhookBase}/resend/inbound`,
          secret: inboundSecret,
          events: ["email.received"],
        },
      ],
    });
    apiKey = "re_playground";
    // Resend rate-limits per API key: the webhook's follow-up fetches get their own key so a
    // burst of sends from the page can't make an inbound delivery fail.
    webhookApiKey = "re_playground_webhooks";
    apiUrl = emulator.url;
  } else {
    apiKey = realApiKey as string;
    webhookApiKey = apiKey;
    apiUrl = env.RESEND_API_URL?.trim() || undefined;
    signingSecret = env.RESEND_SIGNING_SECRET?.trim() || undefined;
    inboundSecret = env.RESEND_INBOUND_SECRET?.trim() || signingSecret;
  }
  const webhooksEnabled = signingSecret !== undefined;

  if (webhooksEnabled) {
    webhookRouter = anymailExpress({
      providers: [
        resendWebhooks({
          signingSecret,
          inboundSecret,
          apiKey: webhookApiKey,
          ...(apiUrl === undefined ? {} : { apiUrl }),
        }),
        ...(webhookBasicAuth === undefined ? [] : [postmarkWebhooks()]),
      ],
      ...(webhookBasicAuth === undefined ? {} : { basicAuth: webhookBasicAuth }),
      onTracking: async (event) => {
        feed.publish("tracking", describeTrackingEvent(event));
      },
      onInbound: async (event: InboundEvent) => {
        const view = describeInboundEvent(event);
        feed.publish("inbound", view);
        inboundWaiters.resolve(event, view);
      },
    });
  } else {
    webhookRouter = express.Router();
    webhookRouter.use((_request, response) => {
      response
        .status(404)
        .send("Webhooks are off: set RESEND_SIGNING_SECRET to verify Resend's signatures.");
    });
  }

  // "Resend, then Postmark" with a switch that takes the primary down: emulator mode only.
  const failoverDemo: FailoverDemo | undefined =
    mode === "emulator"
      ? await startFailoverDemo({
          webhookBase,
          ...(signingSecret === undefined ? {} : { resendSigningSecret: signingSecret }),
          resendTrackingEvents: RESEND_TRACKING_EVENTS,
        })
      : undefined;

  const mailer: Mailer = createMailer({
    provider: resend({ apiKey, ...(apiUrl === undefined ? {} : { apiUrl }) }),
  });

  const api = express.Router();
  api.use(express.json({ limit: "25mb" }));

  api.get("/info", (_request, response) => {
    response.json({
      mode,
      emulatorUrl: emulator?.url,
      apiUrl: apiUrl ?? "https://api.resend.com/",
      webhooks: {
        enabled: webhooksEnabled,
        tracking: `${url}${WEBHOOK_MOUNT}/resend/tracking`,
        inbound: `${url}${WEBHOOK_MOUNT}/resend/inbound`,
      },
      inboundSimulator: emulator !== undefined,
      // Whatever provider the page runs: its own table, straight from its FeatureSupport.
      provider: mailer.provider.name,
      quirks: featureTable(mailer.provider.features),
      failover: failoverDemo !== undefined,
    });
  });

  api.post("/send", async (request, response) => {
    try {
      const { message, inlineImageCids } = composeMessage(
        request.body as ComposeRequest,
        inlineImage,
      );
      const result = await mailer.send(message);
      response.json({ ok: true, result: describeResult(result), inlineImageCids });
    } catch (error) {
      response.json({ ok: false, error: describeError(error) });
    }
  });

  api.post("/inbound", async (request, response) => {
    if (emulator === undefined) {
      response.status(409).json({
        ok: false,
        error: {
          name: "Error",
          code: "not_available",
          message: "The inbound simulator needs the emulator: unset RESEND_API_KEY.",
        },
      });
      return;
    }
    try {
      const received = await emulator.receive(toEmulatorInbound(request.body as InboundRequest));
      const view = await inboundWaiters.waitFor(received.id);
      response.json({ ok: true, emailId: received.id, event: view });
    } catch (error) {
      response.json({ ok: false, error: describeError(error) });
    }
  });

  if (failoverDemo !== undefined) api.use("/failover", failoverDemo.router);

  api.get("/events", (request, response) => {
    const lastEventId = Number(request.header("last-event-id") ?? 0);
    feed.attach(response, Number.isFinite(lastEventId) ? lastEventId : 0);
  });

  app.use("/api", api);
  app.use(express.static(publicDir));

  return {
    url,
    mode,
    ...(emulator === undefined ? {} : { emulator }),
    async close() {
      inboundWaiters.rejectAll();
      feed.closeAll();
      server.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        emulator?.close(),
        failoverDemo?.close(),
        mailer.close(),
      ]);
    },
  };
}
