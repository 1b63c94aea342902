import { EmulatorError } from "../../errors.js";

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

/**
 * Counts background work (follow-up events and webhook attempts) and wakes up callers
 * waiting for it to settle, so tests wait for facts instead of sleeping.
 */
export class Activity {
  private pending = 0;
  private readonly waiters = new Set<Waiter>();

  get pendingCount(): number {
    return this.pending;
  }

  begin(): void {
    this.pending++;
  }

  end(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.changed();
  }

  /** Re-checks every waiter; call after anything a waiter's condition may read. */
  changed(): void {
    for (const waiter of this.waiters) {
      if (waiter.ready()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  wait(ready: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new EmulatorError("timeout", `Timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Releases every waiter: used on close so nobody hangs on work that will never run. */
  releaseAll(): void {
    this.pending = 0;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }
}
