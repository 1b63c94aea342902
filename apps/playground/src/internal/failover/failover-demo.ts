import { createMailer, failover, type Mailer } from "@anymail/core";
import { startEmulator } from "@anymail/emulator";
import { postmark } from "@anymail/postmark";
import { resend } from "@anymail/resend";
import express from "express";
import { describeError, describeResult } from "../serialize.js";
import { startTcpGate, type TcpGate } from "@anymail/emulator/testing";

/** How the primary (Resend) emulator behaves. */
export type PrimaryState = "up" | "refusing" | "500s" | "drop-once";

export const PRIMARY_STATES: readonly PrimaryState[] = ["up", "refusing", "500s", "drop-once"];

export interface FailoverDemo {
  router: express.Router;
  close(): Promise<void>;
}

/**
 * "Resend, then Postmark" on two emulators of their own, with a switch that takes the
 * primary down: its port really refuses connections, it answers 500, or it stores the
 * email and then drops the response once (the ambiguous case: no failover, the retry
 * returns the original id).
 */
export interface FailoverDemoOptions {
  /**
   * Where both emulators deliver their webhooks: `<base>/resend/tracking` (svix-signed with
   * `resendSigningSecret`) and `<base>/postmark/tracking`; user-info in the URL is sent as
   * basic auth, so every provider's events land in the playground's one handler.
   */
  webhookBase?: string;
  resendSigningSecret?: string;
  resendTrackingEvents?: string[];
}

export async function startFailoverDemo(options: FailoverDemoOptions = {}): Promise<FailoverDemo> {
  const { webhookBase, resendSigningSecret, resendTrackingEvents } = options;
  const [primary, secondary] = await Promise.all([
    startEmulator({
      provider: "resend",
      rateLimit: false,
      webhooks:
        webhookBase === undefined
          ? []
          : [
              {
                url: `${webhookBase}/resend/tracking`,
                ...(resendSigningSecret === undefined ? {} : { secret: resendSigningSecret }),
                ...(resendTrackingEvents === undefined ? {} : { events: resendTrackingEvents }),
              },
            ],
    }),
    startEmulator({
      provider: "postmark",
      rateLimit: false,
      webhooks: webhookBase === undefined ? [] : [{ url: `${webhookBase}/postmark/tracking` }],
    }),
  ]);
  const gate: TcpGate = await startTcpGate(primary.url);
  let state: PrimaryState = "up";
  const provider = failover(
    [
      resend({ apiKey: "re_playground_failover", apiUrl: gate.url }),
      postmark({ serverToken: "playground-failover", apiUrl: secondary.url }),
    ],
    { failureThreshold: 3, cooldownMs: 10_000 },
  );
  const mailer: Mailer = createMailer({
    provider,
    retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200, deadlineMs: 15_000 },
    logger: (record) => {
      // "drop-once": the first response is dropped, the emulator is healthy for the retry.
      if (record.message === "send attempt failed" && state === "drop-once") {
        primary.setFaults({});
      }
    },
  });

  async function setState(next: PrimaryState): Promise<void> {
    state = next;
    if (next === "refusing") {
      await gate.refuse();
      return;
    }
    await gate.open();
    primary.setFaults(
      next === "500s"
        ? { "POST /emails": { errorRate: 1, errorStatus: 500 } }
        : next === "drop-once"
          ? { "POST /emails": { dropResponseRate: 1 } }
          : {},
    );
  }

  const view = () => ({
    state,
    states: PRIMARY_STATES,
    providers: ["Resend", "Postmark"],
    circuits: provider.circuits(),
    stored: { Resend: primary.emails.length, Postmark: secondary.emails.length },
  });

  const router = express.Router();
  router.use(express.json({ limit: "1mb" }));
  router.get("/", (_request, response) => {
    response.json(view());
  });
  router.post("/state", async (request, response) => {
    const next = (request.body as { state?: unknown } | undefined)?.state;
    if (!PRIMARY_STATES.includes(next as PrimaryState)) {
      response.status(400).json({
        ok: false,
        error: {
          code: "invalid_state",
          message: `state must be one of ${PRIMARY_STATES.join(", ")}`,
        },
      });
      return;
    }
    await setState(next as PrimaryState);
    response.json({ ok: true, ...view() });
  });
  router.post("/send", async (request, response) => {
    const subject = (request.body as { subject?: unknown } | undefined)?.subject;
    try {
      const result = await mailer.send({
        from: "Shop <shop@example.com>",
        to: "ana@example.org",
        subject: typeof subject === "string" && subject !== "" ? subject : "Failover demo",
        text: "Sent through failover(): Resend, then Postmark.",
      });
      const attempts = (result.attempts ?? []).map(({ provider: name, outcome, reason }) => ({
        provider: name,
        outcome,
        reason,
      }));
      response.json({ ok: true, result: describeResult(result), attempts, ...view() });
    } catch (error) {
      const attempts = (
        (error as { attempts?: { provider: string; outcome: string; reason: string }[] })
          .attempts ?? []
      ).map(({ provider: name, outcome, reason }) => ({ provider: name, outcome, reason }));
      response.json({ ok: false, error: describeError(error), attempts, ...view() });
    }
  });

  return {
    router,
    async close() {
      await gate.refuse();
      await Promise.all([mailer.close(), primary.close(), secondary.close()]);
    },
  };
}
