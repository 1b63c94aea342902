import { setMaxListeners } from "node:events";
import { EmulatorError } from "../../errors.js";
import type { WebhookPersonality } from "../../personalities/personality.js";
import type {
  DeliveryAttempt,
  EmittedEvent,
  WebhookEndpoint,
  WebhookEndpointConfig,
} from "../../types.js";
import type { Activity } from "../lifecycle/activity.js";
import { BoundedLog } from "../store/bounded-log.js";
import { HttpPoster } from "./http-post.js";

/** One controller aborts every in-flight delivery; each request adds a listener to it. */
function sharedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

interface Target {
  endpoint: WebhookEndpoint;
}

/**
 * Delivers events to webhook endpoints, retrying on the configured schedule. The personality
 * builds (and signs) each attempt's request afresh; the event id stays the same across retries.
 */
export class WebhookDispatcher<Payload> {
  readonly log: BoundedLog<DeliveryAttempt>;
  private readonly targets: Target[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private abort = sharedAbortController();
  private nextEndpointNumber = 1;
  private readonly poster = new HttpPoster();

  constructor(
    private readonly personality: WebhookPersonality<Payload>,
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
    if (
      typeof config?.url !== "string" ||
      !/^https?:\/\//.test(config.url) ||
      !URL.canParse(config.url)
    ) {
      throw new EmulatorError(
        "invalid_options",
        `Webhook url must be an http(s) URL, got ${JSON.stringify(config?.url)}.`,
      );
    }
    if (
      config.events !== undefined &&
      (!Array.isArray(config.events) || config.events.some((type) => typeof type !== "string"))
    ) {
      throw new EmulatorError("invalid_options", "Webhook events must be an array of event types.");
    }
    const secret = this.personality.secret(config.secret, config.url);
    const endpoint: WebhookEndpoint = {
      id: `ep_${this.nextEndpointNumber++}`,
      url: config.url,
      secret,
      events: config.events ? [...config.events] : null,
    };
    this.targets.push({ endpoint });
    return endpoint;
  }

  dispatch(event: EmittedEvent<Payload>): void {
    for (const target of this.targets) {
      const filter = target.endpoint.events;
      if (filter && !filter.includes(event.type)) continue;
      this.scheduleAttempt(target, event, 1);
    }
  }

  private scheduleAttempt(target: Target, event: EmittedEvent<Payload>, attempt: number): void {
    const delay = this.schedule[attempt - 1] ?? 0;
    this.activity.begin();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, event, attempt).finally(() => this.activity.end());
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(
    target: Target,
    event: EmittedEvent<Payload>,
    attempt: number,
  ): Promise<void> {
    const signal = this.abort.signal;
    if (signal.aborted) return;
    const sentAt = new Date();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const request = this.personality.request(target.endpoint, event, sentAt);
      status = await this.poster.post(
        request.url ?? target.endpoint.url,
        request.headers,
        request.body,
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
      eventId: event.eventId,
      svixId: event.eventId,
      eventType: event.type,
      emailId: event.emailId,
      attempt,
      status,
      error,
      ok,
      final,
      at: sentAt.getTime(),
    });
    if (!final && this.targets.includes(target)) this.scheduleAttempt(target, event, attempt + 1);
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
