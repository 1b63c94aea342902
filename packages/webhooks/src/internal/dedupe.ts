import type { Logger } from "@anymail/core";
import type { ReplayStore } from "../replay-store.js";
import { errorSummary } from "./log.js";
import type { WebhookReply } from "./reply.js";

/**
 * Delivery-id de-duplication: a redelivery of a handled event is acknowledged without
 * calling the handler again, and a concurrent redelivery waits for the first attempt
 * instead of running beside it. Synchronous stores cost no promise.
 */
export interface Deduplicator {
  /** The store key of a delivery; undefined when it can't be de-duplicated. */
  keyOf(provider: string, kind: string, deliveryId: string | undefined): string | undefined;
  /** Whether `key` was handled, or an attempt in flight for it succeeds. */
  handled(key: string): boolean | Promise<boolean>;
  /** Runs the first attempt for `key`, visible to concurrent duplicates while it runs. */
  track(key: string, work: Promise<WebhookReply>): Promise<WebhookReply>;
  /** Records a handled delivery; a store failure is logged, never thrown. */
  record(key: string, fields: Record<string, unknown>): void | Promise<void>;
}

const succeeded = (reply: WebhookReply) => reply.status >= 200 && reply.status < 300;

export function createDeduplicator(store: ReplayStore | undefined, log: Logger): Deduplicator {
  // The first attempt of each key in flight. A waiter maps it to success itself, so a
  // delivery without a concurrent duplicate pays no extra promise.
  const inFlight = new Map<string, Promise<WebhookReply>>();

  const storeFailed = (error: unknown, fields: Record<string, unknown>) => {
    // The events were handled; a store outage must not make the ESP resend them.
    log({
      level: "error",
      message: "The replay store could not record a handled delivery",
      ...fields,
      ...errorSummary(error),
    });
  };

  const waitForEarlier = (key: string): boolean | Promise<boolean> =>
    inFlight.get(key)?.then(succeeded) ?? false;

  return {
    keyOf: (provider, kind, deliveryId) =>
      deliveryId === undefined || store === undefined
        ? undefined
        : `${provider}/${kind}/${deliveryId}`,

    handled(key) {
      // A store that is down rejects here: the caller answers 500 and the ESP retries.
      const known = store!.has(key);
      if (typeof known === "boolean") return known || waitForEarlier(key);
      return known.then((yes) => yes || waitForEarlier(key));
    },

    track(key, work) {
      inFlight.set(key, work);
      const settle = () => {
        if (inFlight.get(key) === work) inFlight.delete(key);
      };
      // One reaction, no async frame: this runs on every first delivery.
      return work.then(
        (reply) => {
          settle();
          return reply;
        },
        (error: unknown) => {
          settle();
          throw error;
        },
      );
    },

    record(key, fields) {
      let recording: void | Promise<void>;
      try {
        recording = store!.add(key);
      } catch (error) {
        storeFailed(error, fields);
        return;
      }
      // The in-memory store answers synchronously: no extra microtask turn for it.
      if (recording !== undefined) return recording.catch((error) => storeFailed(error, fields));
    },
  };
}
