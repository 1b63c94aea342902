import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  createMailer,
  type FeatureTableRow,
  featureTable,
  type InboundEvent,
  inlineImage,
  type Mailer,
  type WebhookProvider,
} from "@anymail/core";
import type { Emulator } from "@anymail/emulator";
import { resend, resendWebhooks } from "@anymail/resend";
import { anymailExpress } from "@anymail/webhooks/express";
import express, { type NextFunction, type Request, type Response } from "express";
import { type ComposeRequest, composeMessage } from "./internal/compose.js";
import { EventFeed } from "./internal/event-feed.js";
import { type FailoverDemo, startFailoverDemo } from "./internal/failover/failover-demo.js";
import { InboundWaiters } from "./internal/inbound-waiters.js";
import {
  emulatedProviders,
  generateBasicAuth,
  RESEND_TRACKING_EVENTS,
} from "./internal/providers.js";
import {
  describeError,
  describeInboundEvent,
  describeResult,
  describeTrackingEvent,
} from "./internal/serialize.js";
import { type InboundRequest, toEmulatorInbound } from "./internal/simulate-inbound.js";

/** Where the playground sends: the in-process emulators, or the real Resend API. */
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
  /** The default provider's in-process emulator (Resend's) in emulator mode. */
  emulator?: Emulator;
  /** Every in-process emulator by provider id (`resend`, `postmark`) in emulator mode. */
  emulators: Record<string, Emulator>;
  close(): Promise<void>;
}

/** One provider the page can switch to, with what the server needs to use it. */
interface ActiveProvider {
  id: string;
  title: string;
  sampleTo: string;
  /** The provider's own table, straight from its FeatureSupport. */
  quirks: FeatureTableRow[];
  mailer: Mailer;
  apiUrl: string;
  emulator?: Emulator;
}

const publicDir = fileURLToPath(new URL("../public/", import.meta.url));
const WEBHOOK_MOUNT = "/anymail";

/**
 * Starts the playground: the page, its JSON API, a live event stream, and the anymail
 * webhook endpoint mounted through the Express adapter. Without `RESEND_API_KEY` it starts
 * one emulator per provider of `internal/providers.ts` (Resend, Postmark), which deliver
 * webhooks back to this server; the page switches between them.
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const env = options.env ?? process.env;
  const realApiKey = env.RESEND_API_KEY?.trim() || undefined;
  const mode: PlaygroundMode = realApiKey ? "resend" : "emulator";

  const feed = new EventFeed();
  const inboundWaiters = new InboundWaiters();
  const app = express();
  app.disable("x-powered-by");

  // The webhook router is built once the emulators' URLs are known; until then the route
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
  const routeOf = (id: string, kind: "tracking" | "inbound") =>
    `${url}${WEBHOOK_MOUNT}/${id}/${kind}`;

  const active: ActiveProvider[] = [];
  const webhookProviders: WebhookProvider[] = [];
  let basicAuth: string | undefined;
  let webhooksEnabled: boolean;
  let resendSigningSecret: string | undefined;
  const withAuth = (target: string) =>
    basicAuth === undefined ? target : target.replace("://", `://${basicAuth}@`);
  if (mode === "emulator") {
    // Postmark signs nothing, so the handler checks basic auth; every emulator's webhook
    // URLs carry it (Resend's are svix-signed as well).
    basicAuth = generateBasicAuth();
    for (const entry of emulatedProviders()) {
      if (entry.id === "resend") resendSigningSecret = entry.signingSecret;
      const emulator = await entry.startEmulator({
        tracking: withAuth(routeOf(entry.id, "tracking")),
        inbound: withAuth(routeOf(entry.id, "inbound")),
      });
      const provider = entry.createProvider(emulator.url);
      active.push({
        id: entry.id,
        title: entry.title,
        sampleTo: entry.sampleTo,
        quirks: featureTable(provider.features),
        mailer: createMailer({ provider }),
        apiUrl: emulator.url,
        emulator,
      });
      webhookProviders.push(entry.createWebhooks(emulator.url));
    }
    webhooksEnabled = true;
  } else {
    const apiKey = realApiKey as string;
    const apiUrl = env.RESEND_API_URL?.trim() || undefined;
    const signingSecret = env.RESEND_SIGNING_SECRET?.trim() || undefined;
    const inboundSecret = env.RESEND_INBOUND_SECRET?.trim() || signingSecret;
    const provider = resend({ apiKey, ...(apiUrl === undefined ? {} : { apiUrl }) });
    active.push({
      id: "resend",
      title: "Resend",
      sampleTo: "delivered@resend.dev",
      quirks: featureTable(provider.features),
      mailer: createMailer({ provider }),
      apiUrl: apiUrl ?? "https://api.resend.com/",
    });
    webhooksEnabled = signingSecret !== undefined;
    if (webhooksEnabled) {
      webhookProviders.push(
        resendWebhooks({
          signingSecret,
          inboundSecret,
          apiKey,
          ...(apiUrl === undefined ? {} : { apiUrl }),
        }),
      );
    }
  }
  const byId = new Map(active.map((entry) => [entry.id, entry]));
  const defaultProvider = active[0]!;
  /** The provider a request names (`provider` in the JSON body), else the default. */
  const chosen = (id: unknown): ActiveProvider | undefined =>
    id === undefined || id === null || id === "" ? defaultProvider : byId.get(String(id));

  if (webhooksEnabled) {
    webhookRouter = anymailExpress({
      providers: webhookProviders,
      ...(basicAuth === undefined ? {} : { basicAuth }),
      onTracking: async (event, context) => {
        feed.publish("tracking", { ...describeTrackingEvent(event), provider: context.provider });
      },
      onInbound: async (event: InboundEvent, context) => {
        const view = { ...describeInboundEvent(event), provider: context.provider };
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
          webhookBase: withAuth(`${url}${WEBHOOK_MOUNT}`),
          ...(resendSigningSecret === undefined ? {} : { resendSigningSecret }),
          resendTrackingEvents: RESEND_TRACKING_EVENTS,
        })
      : undefined;

  const api = express.Router();
  api.use(express.json({ limit: "25mb" }));

  api.get("/info", (_request, response) => {
    response.json({
      mode,
      emulatorUrl: defaultProvider.emulator?.url,
      apiUrl: defaultProvider.apiUrl,
      webhooks: {
        enabled: webhooksEnabled,
        tracking: routeOf(defaultProvider.id, "tracking"),
        inbound: routeOf(defaultProvider.id, "inbound"),
      },
      inboundSimulator: defaultProvider.emulator !== undefined,
      failover: failoverDemo !== undefined,
      quirks: defaultProvider.quirks,
      provider: defaultProvider.id,
      providers: active.map((entry) => ({
        id: entry.id,
        title: entry.title,
        sampleTo: entry.sampleTo,
        apiUrl: entry.apiUrl,
        quirks: entry.quirks,
        inboundSimulator: entry.emulator !== undefined,
        webhooks: {
          tracking: routeOf(entry.id, "tracking"),
          inbound: routeOf(entry.id, "inbound"),
        },
      })),
    });
  });

  /** Answers 400 for a provider the page can't have offered. */
  function unknownProvider(response: Response, id: unknown) {
    response.status(400).json({
      ok: false,
      error: {
        name: "Error",
        code: "unknown_provider",
        message: `Unknown provider ${JSON.stringify(id)}: choose one of ${active.map((e) => e.id).join(", ")}`,
      },
    });
  }

  api.post("/send", async (request, response) => {
    const body = request.body as ComposeRequest & { provider?: unknown };
    const target = chosen(body.provider);
    if (target === undefined) return unknownProvider(response, body.provider);
    try {
      const { message, inlineImageCids } = composeMessage(body, inlineImage);
      const result = await target.mailer.send(message);
      response.json({
        ok: true,
        provider: target.id,
        result: describeResult(result),
        inlineImageCids,
      });
    } catch (error) {
      response.json({ ok: false, provider: target.id, error: describeError(error) });
    }
  });

  api.post("/inbound", async (request, response) => {
    const body = request.body as InboundRequest & { provider?: unknown };
    const target = chosen(body.provider);
    if (target === undefined) return unknownProvider(response, body.provider);
    const emulator = target.emulator;
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
      const received = await emulator.receive(toEmulatorInbound(body));
      const view = await inboundWaiters.waitFor(received.id);
      response.json({ ok: true, provider: target.id, emailId: received.id, event: view });
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

  const emulators: Record<string, Emulator> = {};
  for (const entry of active) if (entry.emulator) emulators[entry.id] = entry.emulator;
  return {
    url,
    mode,
    ...(defaultProvider.emulator === undefined ? {} : { emulator: defaultProvider.emulator }),
    emulators,
    async close() {
      inboundWaiters.rejectAll();
      feed.closeAll();
      server.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        ...active.map((entry) => entry.emulator?.close()),
        ...active.map((entry) => entry.mailer.close()),
        failoverDemo?.close(),
      ]);
    },
  };
}
