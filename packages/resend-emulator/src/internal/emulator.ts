import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { Activity } from "./activity.js";
import { BoundedLog } from "./bounded-log.js";
import { ResendEmulatorError } from "./emulator-error.js";
import { inboundPayload, outboundPayload } from "./event-payloads.js";
import { FaultInjector } from "./faults.js";
import { IdempotencyStore } from "./idempotency.js";
import { parseInbound } from "./inbound.js";
import { seededRandom, svixMessageId } from "./random.js";
import { DailyQuota, RateLimiter } from "./rate-limiter.js";
import { UrlSigner } from "./signed-urls.js";
import { BoundedMap } from "./store.js";
import { outcomeFor } from "./test-addresses.js";
import type {
  DeliveryAttempt,
  EmailLastEvent,
  EmittedEvent,
  FaultConfig,
  InboundFieldsInput,
  InboundRawInput,
  ReceivedEmail,
  ResendEmulatorOptions,
  SentEmail,
  WaitForDeliveriesOptions,
  WebhookEndpoint,
  WebhookEndpointConfig,
} from "./types.js";
import type { ValidEmail } from "./validate-email.js";
import { WebhookDispatcher } from "./webhook-dispatcher.js";

const LAST_EVENTS = new Set<string>([
  "bounced",
  "canceled",
  "clicked",
  "complained",
  "delivered",
  "delivery_delayed",
  "failed",
  "opened",
  "queued",
  "scheduled",
  "sent",
  "suppressed",
]);
// setTimeout overflows past 2^31-1 ms (~24.8 days) and Resend allows scheduling 30 days ahead.
const MAX_TIMER_MS = 2_147_483_647;

interface EmailTimer {
  handle: NodeJS.Timeout;
  /** Follow-up events count as pending work; far-future scheduled sends do not. */
  counted: boolean;
}

/**
 * A running Resend emulator. Create one with {@link startResendEmulator}.
 *
 * @example
 * ```ts
 * const emu = await startResendEmulator({ webhooks: [{ url: "http://127.0.0.1:3000/hooks" }] });
 * const resend = new Resend("re_test", { baseUrl: emu.url });
 * await resend.emails.send({ from: "a@example.com", to: "delivered@resend.dev", subject: "Hi", text: "Hi" });
 * await emu.waitForDeliveries();
 * console.log(emu.events.map((event) => event.type)); // ["email.sent", "email.delivered"]
 * await emu.close();
 * ```
 */
export class ResendEmulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53211`. */
  url = "";
  /** @internal */ readonly options: ResendEmulatorOptions;
  /** @internal */ readonly now: () => number;
  /** @internal */ readonly idempotency: IdempotencyStore;
  /** @internal */ readonly rateLimiter: RateLimiter | null;
  /** @internal */ readonly quota: DailyQuota | null;
  /** @internal */ readonly faults: FaultInjector;
  /** @internal */ readonly signer: UrlSigner;
  /** @internal */ readonly sent: BoundedMap<SentEmail>;
  /** @internal */ readonly inbound: BoundedMap<ReceivedEmail>;
  /** @internal */ server: Server | null = null;
  /** @internal */ readonly sleepers = new Set<NodeJS.Timeout>();
  private readonly eventLog: BoundedLog<EmittedEvent>;
  private readonly dispatcher: WebhookDispatcher;
  private readonly activity = new Activity();
  private readonly timers = new Map<string, Set<EmailTimer>>();
  private closed: Promise<void> | null = null;

  /** @internal */
  constructor(options: ResendEmulatorOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    const retention = options.retention ?? { maxEmails: 10_000 };
    for (const [name, value] of Object.entries(retention)) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new ResendEmulatorError(
          "invalid_options",
          `retention.${name} must be a positive integer.`,
        );
      }
    }
    this.sent = new BoundedMap(retention.maxEmails, (email) => this.clearTimers(email.id));
    this.inbound = new BoundedMap(retention.maxReceived ?? retention.maxEmails);
    this.eventLog = new BoundedLog(retention.maxEvents ?? 50_000);
    this.idempotency = new IdempotencyStore(retention.maxIdempotencyKeys ?? 10_000, this.now);
    const rate = options.rateLimit === undefined ? { requestsPerSecond: 5 } : options.rateLimit;
    if (rate !== false && !(rate.requestsPerSecond > 0)) {
      throw new ResendEmulatorError(
        "invalid_options",
        "rateLimit.requestsPerSecond must be a positive number.",
      );
    }
    this.rateLimiter = rate === false ? null : new RateLimiter(rate.requestsPerSecond, this.now);
    this.quota =
      options.dailyQuota === undefined ? null : new DailyQuota(options.dailyQuota, this.now);
    this.faults = new FaultInjector(
      options.faults,
      seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)),
    );
    this.signer = new UrlSigner(this.now);
    const schedule = options.webhookRetryScheduleMs ?? [0, 50, 200, 1000];
    if (schedule.length === 0 || schedule.some((delay) => !(delay >= 0))) {
      throw new ResendEmulatorError(
        "invalid_options",
        "webhookRetryScheduleMs needs at least one delay >= 0.",
      );
    }
    this.dispatcher = new WebhookDispatcher(
      schedule,
      options.webhookTimeoutMs ?? 10_000,
      retention.maxDeliveries ?? 50_000,
      this.activity,
    );
    for (const webhook of options.webhooks ?? []) this.dispatcher.add(webhook);
  }

  /** Sent emails still retained, oldest first. */
  get emails(): SentEmail[] {
    return this.sent.values();
  }

  /** Every webhook event emitted (bounded by `retention.maxEvents`), oldest first. */
  get events(): EmittedEvent[] {
    return this.eventLog.items;
  }

  /** Every webhook delivery attempt (bounded by `retention.maxDeliveries`), oldest first. */
  get deliveries(): DeliveryAttempt[] {
    return this.dispatcher.log.items;
  }

  /** Configured webhook endpoints with their secrets. */
  get webhooks(): WebhookEndpoint[] {
    return this.dispatcher.endpoints;
  }

  /** Inbound emails still retained, oldest first. */
  get received(): ReceivedEmail[] {
    return this.inbound.values();
  }

  /** Adds a webhook endpoint; returns it with its secret (generated when not given). */
  addWebhook(config: WebhookEndpointConfig): WebhookEndpoint {
    return this.dispatcher.add(config);
  }

  /** Replaces the fault configuration. */
  setFaults(faults: FaultConfig | undefined): void {
    this.faults.set(faults);
  }

  /** Forgets emails, events, deliveries, inbound mail, idempotency keys, rate and quota counters; keeps webhooks. */
  reset(): void {
    this.sent.clear();
    this.inbound.clear();
    for (const id of [...this.timers.keys()]) this.clearTimers(id);
    this.dispatcher.cancelPending();
    this.dispatcher.clearLog();
    this.eventLog.clear();
    this.idempotency.clear();
    this.rateLimiter?.clear();
    this.quota?.clear();
    this.activity.changed();
  }

  /**
   * Stores an inbound email and emits `email.received`. Field input is rendered to a real MIME
   * message first; `{ raw }` is parsed as given.
   */
  async receive(input: InboundFieldsInput | InboundRawInput): Promise<ReceivedEmail> {
    const email = await parseInbound(input, this.now());
    this.inbound.set(email.id, email);
    this.publish(email.id, inboundPayload(email, this.now()));
    return email;
  }

  /**
   * Emits an event for a stored email (e.g. `email.opened`, `email.clicked`, `email.failed`,
   * `email.delivery_delayed`), merging `extraData` into the payload's `data`.
   */
  async emit(
    emailId: string,
    type: string,
    extraData?: Record<string, unknown>,
  ): Promise<EmittedEvent> {
    if (typeof type !== "string" || !type.startsWith("email.")) {
      throw new ResendEmulatorError(
        "invalid_input",
        `emit() needs an email.* event type, got ${JSON.stringify(type)}.`,
      );
    }
    const sentEmail = this.sent.get(emailId);
    if (sentEmail) return this.emitFor(sentEmail, type, extraData);
    const inboundEmail = this.inbound.get(emailId);
    if (inboundEmail && type === "email.received") {
      return this.publish(emailId, inboundPayload(inboundEmail, this.now(), extraData));
    }
    throw new ResendEmulatorError("not_found", `No stored email with id ${emailId}.`);
  }

  /**
   * Resolves once background work settles: without a predicate, when no follow-up event or
   * delivery attempt is pending; with one, as soon as it returns true for `emu.deliveries`.
   */
  async waitForDeliveries(
    predicate?: (deliveries: DeliveryAttempt[]) => boolean,
    options: WaitForDeliveriesOptions = {},
  ): Promise<DeliveryAttempt[]> {
    const ready = predicate
      ? () => predicate(this.deliveries)
      : () => this.activity.pendingCount === 0;
    await this.activity.wait(ready, options.timeoutMs ?? 10_000, () =>
      predicate
        ? `the predicate never matched (${this.deliveries.length} delivery attempts logged)`
        : `${this.activity.pendingCount} background tasks still pending`,
    );
    return this.deliveries;
  }

  /** Sends scheduled emails now: those already due on the emulator clock, or all with `{ all: true }`. */
  flushScheduled(options: { all?: boolean } = {}): SentEmail[] {
    const released: SentEmail[] = [];
    const now = this.now();
    for (const email of this.sent.map.values()) {
      if (email.lastEvent !== "scheduled" || email.scheduledAt === null) continue;
      if (!options.all && Date.parse(email.scheduledAt) > now) continue;
      this.clearTimers(email.id);
      this.startDelivery(email);
      released.push(email);
    }
    return released;
  }

  /** Stops the server, pending deliveries and timers. Safe to call more than once. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      for (const id of [...this.timers.keys()]) this.clearTimers(id);
      for (const sleeper of this.sleepers) clearTimeout(sleeper);
      this.sleepers.clear();
      this.dispatcher.shutdown();
      this.activity.releaseAll();
      const server = this.server;
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return this.closed;
  }

  /** @internal Stores an accepted email and starts its lifecycle. */
  accept(
    valid: ValidEmail,
    request: Record<string, unknown>,
    apiKey: string,
    idempotencyKey: string | null,
    batch: boolean,
  ): SentEmail {
    const id = randomUUID();
    const createdAt = this.now();
    const email: SentEmail = {
      id,
      request,
      from: valid.from,
      to: valid.to,
      cc: valid.cc,
      bcc: valid.bcc,
      replyTo: valid.replyTo,
      subject: valid.subject,
      html: valid.html,
      text: valid.text,
      headers: valid.headers,
      tags: valid.tags,
      attachments: valid.attachments,
      scheduledAt: valid.scheduledAt === null ? null : new Date(valid.scheduledAt).toISOString(),
      topicId: valid.topicId,
      messageId: `<${id}@emulator.resend.dev>`,
      lastEvent: "queued",
      createdAt,
      apiKey,
      idempotencyKey,
      batch,
    };
    this.sent.set(id, email);
    if (valid.scheduledAt !== null) {
      this.emitFor(email, "email.scheduled");
      this.scheduleSend(email, valid.scheduledAt);
    } else {
      this.startDelivery(email);
    }
    return email;
  }

  /** @internal Cancels a scheduled email. */
  cancel(email: SentEmail): void {
    this.clearTimers(email.id);
    email.lastEvent = "canceled";
  }

  /** @internal Moves a scheduled email to a new time. */
  reschedule(email: SentEmail, at: number): void {
    this.clearTimers(email.id);
    email.scheduledAt = new Date(at).toISOString();
    this.scheduleSend(email, at);
  }

  private scheduleSend(email: SentEmail, at: number): void {
    const delay = at - this.now();
    if (delay <= 0) {
      this.startDelivery(email);
      return;
    }
    this.later(email.id, Math.min(delay, MAX_TIMER_MS), false, () => {
      if (email.lastEvent !== "scheduled") return;
      if (Date.parse(email.scheduledAt!) > this.now() + 5)
        this.scheduleSend(email, Date.parse(email.scheduledAt!));
      else this.startDelivery(email);
    });
  }

  private startDelivery(email: SentEmail): void {
    const outcome = outcomeFor([...email.to, ...(email.cc ?? []), ...(email.bcc ?? [])]);
    if (outcome === "suppressed") {
      this.emitFor(email, "email.suppressed");
      return;
    }
    this.emitFor(email, "email.sent");
    const delay = this.options.deliveryDelayMs ?? 20;
    this.later(email.id, delay, true, () => {
      if (outcome === "bounced") {
        this.emitFor(email, "email.bounced");
        return;
      }
      this.emitFor(email, "email.delivered");
      if (outcome === "complained") {
        this.later(email.id, delay, true, () => this.emitFor(email, "email.complained"));
      }
    });
  }

  private emitFor(email: SentEmail, type: string, extra?: Record<string, unknown>): EmittedEvent {
    const status = type.slice("email.".length);
    if (LAST_EVENTS.has(status)) email.lastEvent = status as EmailLastEvent;
    return this.publish(email.id, outboundPayload(email, type, this.now(), extra));
  }

  private publish(emailId: string, payload: EmittedEvent["payload"]): EmittedEvent {
    const event: EmittedEvent = {
      type: payload.type,
      emailId,
      svixId: svixMessageId(),
      payload,
      createdAt: this.now(),
    };
    this.eventLog.push(event);
    if (this.dispatcher.hasEndpoints) this.dispatcher.dispatch(event);
    this.activity.changed();
    return event;
  }

  private later(emailId: string, delayMs: number, counted: boolean, run: () => void): void {
    if (this.closed) return;
    const entry: EmailTimer = {
      counted,
      handle: setTimeout(() => {
        const pending = this.timers.get(emailId);
        pending?.delete(entry);
        if (pending?.size === 0) this.timers.delete(emailId);
        try {
          run();
        } finally {
          if (counted) this.activity.end();
        }
      }, delayMs),
    };
    entry.handle.unref();
    if (counted) this.activity.begin();
    let set = this.timers.get(emailId);
    if (!set) {
      set = new Set();
      this.timers.set(emailId, set);
    }
    set.add(entry);
  }

  private clearTimers(emailId: string): void {
    const set = this.timers.get(emailId);
    if (!set) return;
    this.timers.delete(emailId);
    for (const entry of set) {
      clearTimeout(entry.handle);
      if (entry.counted) this.activity.end();
    }
  }
}
