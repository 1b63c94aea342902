// Lines a runtime prints, and a way to wait for one.

export interface LogLines {
  /** Every complete line so far, in order. */
  readonly lines: readonly string[];
  /** Feeds raw output; splits it into lines. */
  push(chunk: string): void;
  /** Resolves with the first line (seen or still to come) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function createLogLines(): LogLines {
  const lines: string[] = [];
  let partial = "";
  const waiters = new Set<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }>();

  const add = (line: string) => {
    lines.push(line);
    for (const waiter of waiters) {
      const match = line.match(waiter.pattern);
      if (match) {
        waiters.delete(waiter);
        waiter.resolve(match);
      }
    }
  };

  return {
    lines,
    push(chunk) {
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? "";
      for (const line of parts) add(line);
    },
    waitFor(pattern, timeoutMs = 10_000) {
      for (const line of lines) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (match: RegExpMatchArray) => {
            clearTimeout(timer);
            resolve(match);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no output line matched ${pattern} within ${timeoutMs} ms; output so far:\n${lines.join("\n")}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
