import type { PreparedMessage } from "../../prepared.js";
import type { BatchItemOutcome } from "../../provider.js";
import type { SendResult } from "../../result.js";

interface Waiting {
  message: PreparedMessage;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

/** Options of {@link createCoalescer}. */
export interface CoalescerOptions {
  /** Most messages in one group. */
  max: number;
  /** How long the first message of a group waits for company. */
  windowMs: number;
  /** Sends one group; one outcome per message, in order. */
  flush(messages: PreparedMessage[]): Promise<BatchItemOutcome[]>;
}

/**
 * Groups messages that arrive within `windowMs` of the first one (or until `max` are
 * waiting) and hands each group to `flush`; every caller settles with its own outcome.
 */
export function createCoalescer(options: CoalescerOptions) {
  const { max, windowMs } = options;
  let waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flushNow(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    options.flush(group.map((w) => w.message)).then(
      (outcomes) => {
        group.forEach((w, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok) w.resolve(outcome.result);
          else w.reject(outcome?.error);
        });
      },
      (error: unknown) => {
        for (const w of group) w.reject(error);
      },
    );
  }

  return {
    send(message: PreparedMessage): Promise<SendResult> {
      return new Promise<SendResult>((resolve, reject) => {
        waiting.push({ message, resolve, reject });
        if (waiting.length >= max) flushNow();
        else timer ??= setTimeout(flushNow, windowMs);
      });
    },
  };
}
