/**
 * Body-read deadlines for one engine, all served by a single timer. Every delivery whose body
 * is still arriving needs a timeout, and a `setTimeout` + `clearTimeout` per request cost
 * more than reading a small body. All deadlines of an engine are `timeoutMs` after they start,
 * so they expire in the order they were started: a Map in insertion order is the queue, and
 * the one timer is armed for its head.
 */
export interface Deadlines {
  readonly timeoutMs: number;
  /** Calls `expire` after `timeoutMs`, unless the returned cancel runs first. */
  start(expire: () => void): () => void;
}

export function createDeadlines(timeoutMs: number): Deadlines {
  const queue = new Map<object, { at: number; expire: () => void }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = (at: number) => {
    timer = setTimeout(fire, Math.max(0, at - performance.now()));
    // Never keep a process alive just to time out a body (Node; other runtimes lack unref).
    (timer as { unref?: () => void }).unref?.();
  };

  function fire(): void {
    timer = undefined;
    const now = performance.now();
    for (const [key, entry] of queue) {
      if (entry.at > now) {
        arm(entry.at);
        return;
      }
      queue.delete(key);
      entry.expire();
    }
  }

  return {
    timeoutMs,
    start(expire) {
      const key = {};
      const at = performance.now() + timeoutMs;
      queue.set(key, { at, expire });
      if (timer === undefined) arm(at);
      // A cancelled head stays armed; when the timer fires it re-arms for the next live one.
      return () => {
        queue.delete(key);
      };
    },
  };
}
