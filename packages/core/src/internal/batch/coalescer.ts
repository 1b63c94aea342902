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
  /** Most groups being sent at once; the others wait their turn, in order. */
  concurrency: number;
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
  // Full groups beyond `concurrency` queue here: firing them all at once would only turn
  // an ESP's per-second limit into a burst of 429s for every one of them.
  const ready: Waiting[][] = [];
  let sending = 0;

  function next(): void {
    while (sending < options.concurrency && ready.length > 0) {
      const group = ready.shift()!;
      sending++;
      options
        .flush(group.map((w) => w.message))
        .then(
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
        )
        .finally(() => {
          sending--;
          next();
        });
    }
  }

  function flushNow(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    ready.push(group);
    next();
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
