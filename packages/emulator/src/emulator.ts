import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { EmulatorError } from "./errors.js";
import { FaultInjector } from "./internal/faults/faults.js";
import { DailyQuota, RateLimiter } from "./internal/faults/rate-limiter.js";
import { parseInbound } from "./internal/inbound/parse.js";
import { Activity } from "./internal/lifecycle/activity.js";
import { EVENT_KINDS, eventTypesOf } from "./internal/lifecycle/event-kinds.js";
import { seededRandom } from "./internal/lifecycle/random.js";
import { outcomeFor } from "./internal/lifecycle/test-outcome.js";
import { BoundedLog } from "./internal/store/bounded-log.js";
import { BoundedMap } from "./internal/store/bounded-map.js";
import { IdempotencyStore } from "./internal/store/idempotency.js";
import { UrlSigner } from "./internal/store/signed-urls.js";
import { WebhookDispatcher } from "./internal/webhooks/dispatcher.js";
import type { Personality } from "./personalities/personality.js";
import type {
  DeliveryAttempt,
  EmailFields,
  EmailLastEvent,
  EmittedEvent,
  EmulatorOptions,
  EventKind,
  FaultConfig,
  InboundFieldsInput,
  InboundRawInput,
  ReceivedEmail,
  StoredEmail,
  WaitForDeliveriesOptions,
  WebhookEndpoint,
  WebhookEndpointConfig,
  WebhookPayload,
} from "./types.js";

// setTimeout overflows past 2^31-1 ms (~24.8 days) and ESPs allow scheduling 30 days ahead.
const MAX_TIMER_MS = 2_147_483_647;

interface EmailTimer {
  handle: NodeJS.Timeout;
  /** Follow-up events count as pending work; far-future scheduled sends do not. */
  counted: boolean;
}

/** How a personality hands an accepted email to the store. */
export interface AcceptOptions {
  /** The request (or batch item) as parsed: a JSON object, or `FormBody.toJSON()`. */
  request: Record<string, unknown>;
  apiKey: string;
  idempotencyKey: string | null;
  batch: boolean;
  /** Epoch ms to send at, or null to send now. */
  scheduledAt: number | null;
}

/**
 * A running emulator with one ESP personality. Create one with {@link startEmulator} (or
 * {@link startResendEmulator}).
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ provider: "resend", webhooks: [{ url: "http://127.0.0.1:3000/hooks" }] });
 * const resend = new Resend("re_test", { baseUrl: emu.url });
 * await resend.emails.send({ from: "a@example.com", to: "delivered@resend.dev", subject: "Hi", text: "Hi" });
 * await emu.waitForDeliveries();
 * console.log(emu.events.map((event) => event.type)); // ["email.sent", "email.delivered"]
 * await emu.close();
 * ```
 */
export class Emulator<Payload = unknown> {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53211`. */
  url = "";
  /** The personality's name: `"resend"`. */
  readonly provider: string;
  /** @internal */ readonly personality: Personality<Payload>;
  /** @internal */ readonly options: EmulatorOptions;
  /** @internal */ readonly now: () => number;
  /** @internal */ readonly idempotency: IdempotencyStore;
  /** @internal */ readonly rateLimiter: RateLimiter | null;
  /** @internal */ readonly quota: DailyQuota | null;
  /** @internal */ readonly faults: FaultInjector;
  /** @internal */ readonly signer: UrlSigner;
  /** @internal */ readonly sent: BoundedMap<StoredEmail>;
  /** @internal */ readonly inbound: BoundedMap<ReceivedEmail>;
  /** @internal */ server: Server | null = null;
  /** @internal */ readonly sleepers = new Set<NodeJS.Timeout>();
  private readonly eventLog: BoundedLog<EmittedEvent<Payload>>;
  private readonly dispatcher: WebhookDispatcher<Payload>;
  private readonly activity = new Activity();
  private readonly timers = new Map<string, Set<EmailTimer>>();
  private closed: Promise<void> | null = null;

  /** @internal */
  constructor(personality: Personality<Payload>, options: EmulatorOptions) {
    this.personality = personality;
    this.provider = personality.name;
    this.options = options;
    this.now = options.now ?? Date.now;
    const retention = options.retention ?? { maxEmails: 10_000 };
    for (const [name, value] of Object.entries(retention)) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new EmulatorError("invalid_options", `retention.${name} must be a positive integer.`);
      }
    }
    this.sent = new BoundedMap(retention.maxEmails, (email) => this.clearTimers(email.id));
    this.inbound = new BoundedMap(retention.maxReceived ?? retention.maxEmails);
    this.eventLog = new BoundedLog(retention.maxEvents ?? 50_000);
    this.idempotency = new IdempotencyStore(retention.maxIdempotencyKeys ?? 10_000, this.now);
    const rate = options.rateLimit === undefined ? { requestsPerSecond: 5 } : options.rateLimit;
    if (rate !== false && !(rate.requestsPerSecond > 0)) {
      throw new EmulatorError(
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
      throw new EmulatorError(
        "invalid_options",
        "webhookRetryScheduleMs needs at least one delay >= 0.",
      );
    }
    this.dispatcher = new WebhookDispatcher(
      personality.webhooks,
      schedule,
      options.webhookTimeoutMs ?? 10_000,
      retention.maxDeliveries ?? 50_000,
      this.activity,
    );
    for (const webhook of options.webhooks ?? []) this.dispatcher.add(webhook);
  }

  /** Sent emails still retained, oldest first. */
  get emails(): StoredEmail[] {
    return this.sent.values();
  }

  /** Every webhook event emitted (bounded by `retention.maxEvents`), oldest first. */
  get events(): EmittedEvent<Payload>[] {
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
   * Stores an inbound email and announces it the personality's way (Resend: `email.received`).
   * Field input is rendered to a real MIME message first; `{ raw }` is parsed as given.
   */
  async receive(input: InboundFieldsInput | InboundRawInput): Promise<ReceivedEmail> {
    const email = await parseInbound(input, this.now(), (id) => this.personality.messageId(id));
    this.inbound.set(email.id, email);
    this.publishInbound(email);
    return email;
  }

  /**
   * Emits an event for a stored email, by the ESP's event name (`email.opened`) or the neutral
   * kind (`opened`), merging `extraData` into the payload the personality builds.
   */
  async emit(
    emailId: string,
    type: string,
    extraData?: Record<string, unknown>,
  ): Promise<EmittedEvent<Payload>> {
    const kind = this.kindOf(type);
    if (kind === null) {
      throw new EmulatorError(
        "invalid_input",
        `emit() needs one of the ${this.personality.title} event types (${eventTypesOf(this.personality.webhooks).join(", ")}), got ${JSON.stringify(type)}.`,
      );
    }
    const sentEmail = this.sent.get(emailId);
    if (sentEmail && kind !== "received") return this.emitFor(sentEmail, kind, extraData)!;
    const inboundEmail = this.inbound.get(emailId);
    if (inboundEmail && kind === "received") return this.publishInbound(inboundEmail, extraData);
    throw new EmulatorError("not_found", `No stored email with id ${emailId}.`);
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
  flushScheduled(options: { all?: boolean } = {}): StoredEmail[] {
    const released: StoredEmail[] = [];
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
  accept(fields: EmailFields, options: AcceptOptions): StoredEmail {
    const id = randomUUID();
    const createdAt = this.now();
    const email: StoredEmail = {
      id,
      provider: this.provider,
      request: options.request,
      ...fields,
      scheduledAt:
        options.scheduledAt === null ? null : new Date(options.scheduledAt).toISOString(),
      messageId: this.personality.messageId(id),
      lastEvent: "queued",
      createdAt,
      apiKey: options.apiKey,
      idempotencyKey: options.idempotencyKey,
      batch: options.batch,
    };
    this.sent.set(id, email);
    if (options.scheduledAt !== null) {
      this.emitFor(email, "scheduled");
      this.scheduleSend(email, options.scheduledAt);
    } else {
      this.startDelivery(email);
    }
    return email;
  }

  /** @internal Cancels a scheduled email. */
  cancel(email: StoredEmail): void {
    this.clearTimers(email.id);
    email.lastEvent = "canceled";
  }

  /** @internal Moves a scheduled email to a new time. */
  reschedule(email: StoredEmail, at: number): void {
    this.clearTimers(email.id);
    email.scheduledAt = new Date(at).toISOString();
    this.scheduleSend(email, at);
  }

  private scheduleSend(email: StoredEmail, at: number): void {
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

  private startDelivery(email: StoredEmail): void {
    const outcome = outcomeFor(
      [...email.to, ...(email.cc ?? []), ...(email.bcc ?? [])],
      this.personality.testOutcome,
    );
    if (outcome === "suppressed") {
      this.emitFor(email, "suppressed");
      return;
    }
    this.emitFor(email, "sent");
    const delay = this.options.deliveryDelayMs ?? 20;
    this.later(email.id, delay, true, () => {
      if (outcome === "bounced") {
        this.emitFor(email, "bounced");
        return;
      }
      this.emitFor(email, "delivered");
      if (outcome === "complained") {
        this.later(email.id, delay, true, () => this.emitFor(email, "complained"));
      }
    });
  }

  private kindOf(type: string): EventKind | null {
    for (const kind of EVENT_KINDS) {
      if (type === kind || this.personality.webhooks.eventType(kind) === type) return kind;
    }
    return null;
  }

  /** Updates the email's status; publishes the event unless the ESP has no such event (null). */
  private emitFor(
    email: StoredEmail,
    kind: EventKind,
    extra?: Record<string, unknown>,
  ): EmittedEvent<Payload> | null {
    if (kind !== "received") email.lastEvent = kind as EmailLastEvent;
    const type = this.personality.webhooks.eventType(kind);
    if (type === null) return null;
    const now = this.now();
    return this.publish(
      email.id,
      kind,
      type,
      this.personality.webhooks.payload(kind, type, email, now, extra),
    );
  }

  private publishInbound(email: ReceivedEmail, extra?: Record<string, unknown>) {
    const type = this.personality.webhooks.eventType("received") ?? "received";
    const payload = this.personality.webhooks.inboundPayload(email, this.now(), extra);
    return this.publish(email.id, "received", type, payload);
  }

  private publish(
    emailId: string,
    kind: EventKind,
    type: string,
    payload: Payload,
  ): EmittedEvent<Payload> {
    const eventId = this.personality.webhooks.eventId();
    const event: EmittedEvent<Payload> = {
      type,
      kind,
      emailId,
      eventId,
      svixId: eventId,
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

/**
 * An emulator with the Resend personality, as {@link startResendEmulator} returns it.
 *
 * @example
 * ```ts
 * let emu: ResendEmulator;
 * emu = await startResendEmulator({ rateLimit: false });
 * ```
 */
export type ResendEmulator = Emulator<WebhookPayload>;
/** The class behind {@link ResendEmulator}, for `instanceof` checks. */
export const ResendEmulator = Emulator;
