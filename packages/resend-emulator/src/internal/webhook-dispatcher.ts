import { setMaxListeners } from "node:events";
import { Webhook } from "svix";
import type { Activity } from "./activity.js";
import { BoundedLog } from "./bounded-log.js";
import { ResendEmulatorError } from "./emulator-error.js";
import { HttpPoster } from "./http-post.js";
import { generateWebhookSecret } from "./random.js";
import type {
  DeliveryAttempt,
  EmittedEvent,
  WebhookEndpoint,
  WebhookEndpointConfig,
} from "./types.js";

/** One controller aborts every in-flight delivery; each request adds a listener to it. */
function sharedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

interface Target {
  endpoint: WebhookEndpoint;
  signer: Webhook;
}

/**
 * Delivers events to webhook endpoints, signed with svix, retrying on the configured schedule.
 * The `svix-id` stays the same across retries; the timestamp and signature are fresh per attempt.
 */
export class WebhookDispatcher {
  readonly log: BoundedLog<DeliveryAttempt>;
  private readonly targets: Target[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private abort = sharedAbortController();
  private nextEndpointNumber = 1;
  private readonly poster = new HttpPoster();

  constructor(
    private readonly schedule: number[],
    private readonly timeoutMs: number,
    maxDeliveries: number,
    private readonly activity: Activity,
  ) {
    this.log = new BoundedLog(maxDeliveries);
  }

  get endpoints(): WebhookEndpoint[] {
    return this.targets.map((target) => target.endpoint);
  }

  get hasEndpoints(): boolean {
    return this.targets.length > 0;
  }

  add(config: WebhookEndpointConfig): WebhookEndpoint {
    if (typeof config?.url !== "string" || !/^https?:\/\//.test(config.url)) {
      throw new ResendEmulatorError(
        "invalid_options",
        `Webhook url must be an http(s) URL, got ${JSON.stringify(config?.url)}.`,
      );
    }
    const secret = config.secret ?? generateWebhookSecret();
    let signer: Webhook;
    try {
      signer = new Webhook(secret);
    } catch (error) {
      throw new ResendEmulatorError(
        "invalid_options",
        `Webhook secret for ${config.url} is not a valid whsec_ secret: ${String(error)}`,
      );
    }
    const endpoint: WebhookEndpoint = {
      id: `ep_${this.nextEndpointNumber++}`,
      url: config.url,
      secret,
      events: config.events ? [...config.events] : null,
    };
    this.targets.push({ endpoint, signer });
    return endpoint;
  }

  dispatch(event: EmittedEvent): void {
    let body: string | undefined;
    for (const target of this.targets) {
      const filter = target.endpoint.events;
      if (filter && !filter.includes(event.type)) continue;
      body ??= JSON.stringify(event.payload);
      this.scheduleAttempt(target, event, body, 1);
    }
  }

  private scheduleAttempt(
    target: Target,
    event: EmittedEvent,
    body: string,
    attempt: number,
  ): void {
    const delay = this.schedule[attempt - 1] ?? 0;
    this.activity.begin();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, event, body, attempt).finally(() => this.activity.end());
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(
    target: Target,
    event: EmittedEvent,
    body: string,
    attempt: number,
  ): Promise<void> {
    const signal = this.abort.signal;
    if (signal.aborted) return;
    const sentAt = new Date();
    // The signature timestamp is wall-clock time even under an injected clock: receivers check
    // it against their own clock with a 5-minute tolerance.
    const signature = target.signer.sign(event.svixId, sentAt, body);
    const timestamp = String(Math.floor(sentAt.getTime() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await this.poster.post(
        target.endpoint.url,
        {
          "content-type": "application/json",
          "user-agent": "Svix-Webhooks/1.99 (resend-emulator)",
          "svix-id": event.svixId,
          "svix-timestamp": timestamp,
          "svix-signature": signature,
          "webhook-id": event.svixId,
          "webhook-timestamp": timestamp,
          "webhook-signature": signature,
        },
        body,
        this.timeoutMs,
        signal,
      );
    } catch (caught) {
      if (signal.aborted) return;
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const ok = status !== null && status >= 200 && status < 300;
    const final = ok || attempt >= this.schedule.length;
    this.log.push({
      endpointId: target.endpoint.id,
      url: target.endpoint.url,
      svixId: event.svixId,
      eventType: event.type,
      emailId: event.emailId,
      attempt,
      status,
      error,
      ok,
      final,
      at: sentAt.getTime(),
    });
    if (!final && this.targets.includes(target))
      this.scheduleAttempt(target, event, body, attempt + 1);
    this.activity.changed();
  }

  /** Stops pending and in-flight deliveries; endpoints stay configured. */
  cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (let i = 0; i < this.timers.size; i++) this.activity.end();
    this.timers.clear();
    this.abort.abort();
    this.abort = sharedAbortController();
  }

  /** Stops everything for good and releases kept-alive sockets. */
  shutdown(): void {
    this.cancelPending();
    this.poster.destroy();
  }

  clearLog(): void {
    this.log.clear();
  }
}
