import type { InboundEvent } from "@anymail/core";

const WAIT_LIMIT_MS = 15_000;

interface Waiter {
  resolve(view: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Pairs a simulated inbound email with the webhook it causes, so the simulator can answer
 * with the parsed message. The webhook may arrive before or after `waitFor` is called.
 */
export class InboundWaiters {
  private readonly waiting = new Map<string, Waiter>();
  private readonly arrived = new Map<string, unknown>();

  resolve(event: InboundEvent, view: unknown): void {
    const emailId = emailIdOf(event);
    if (emailId === undefined) return;
    const waiter = this.waiting.get(emailId);
    if (waiter === undefined) {
      this.arrived.set(emailId, view);
      // Only the most recent few matter: the simulator asks right after receiving.
      if (this.arrived.size > 50) this.arrived.delete(this.arrived.keys().next().value as string);
      return;
    }
    clearTimeout(waiter.timer);
    this.waiting.delete(emailId);
    waiter.resolve(view);
  }

  waitFor(emailId: string): Promise<unknown> {
    if (this.arrived.has(emailId)) {
      const view = this.arrived.get(emailId);
      this.arrived.delete(emailId);
      return Promise.resolve(view);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(emailId);
        reject(
          new Error(
            `The inbound webhook for ${emailId} did not arrive within ${WAIT_LIMIT_MS / 1000} s; check the server log`,
          ),
        );
      }, WAIT_LIMIT_MS);
      this.waiting.set(emailId, { resolve, reject, timer });
    });
  }

  rejectAll(): void {
    for (const [emailId, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`The playground closed before ${emailId} arrived`));
    }
    this.waiting.clear();
  }
}

/** Resend's `email.received` payload names the email as `data.email_id`. */
/**
 * The emulator's id of the received email, as each ESP's payload carries it: Resend's
 * `data.email_id`, Postmark's `MessageID` (also the event id).
 */
function emailIdOf(event: InboundEvent): string | undefined {
  const espEvent = event.espEvent as { data?: { email_id?: unknown }; MessageID?: unknown } | null;
  const candidate = espEvent?.data?.email_id ?? espEvent?.MessageID ?? event.eventId;
  return typeof candidate === "string" ? candidate : undefined;
}
