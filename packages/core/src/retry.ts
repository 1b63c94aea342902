import { AnymailAPIError, AnymailError, isAnymailError } from "./errors.js";

/**
 * Retry policy of a mailer. `attempts` counts every attempt, the first included.
 *
 * @example
 * ```ts
 * createMailer({ provider, retry: { attempts: 5, deadlineMs: 120_000 } });
 * ```
 */
export interface RetryOptions {
  /** Total attempts, the first included. Default 3. */
  attempts?: number;
  /** First backoff ceiling; doubles per retry. Default 500. */
  baseDelayMs?: number;
  /** Largest backoff. Default 10 000. */
  maxDelayMs?: number;
  /** Largest wait honoured from a provider's `retry-after`. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Total time for one send, every attempt and wait included. Default 60 000. */
  deadlineMs?: number;
  /** Injectable clock and randomness, for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/**
 * The resolved policy, every option filled in.
 *
 * @example
 * ```ts
 * const policy: ResolvedRetryOptions = resolveRetryOptions({ attempts: 5 });
 * policy.deadlineMs; // 60000
 * ```
 */
export type ResolvedRetryOptions = Required<RetryOptions>;

/**
 * HTTP statuses worth retrying: 408, 429 and 5xx. Providers use it to set
 * `AnymailAPIError.retryable` (and then refine it, e.g. a quota 429 is not retryable).
 *
 * @example
 * ```ts
 * new AnymailAPIError("Resend API error", { statusCode: 503, retryable: isRetryableStatus(503) });
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Fills in defaults; `false` means a single attempt.
 *
 * @example
 * ```ts
 * resolveRetryOptions({ attempts: 5 }).baseDelayMs; // 500
 * ```
 */
export function resolveRetryOptions(
  options: RetryOptions | false | undefined,
): ResolvedRetryOptions {
  const given = options === false ? { attempts: 1 } : (options ?? {});
  const resolved: ResolvedRetryOptions = {
    attempts: given.attempts ?? 3,
    baseDelayMs: given.baseDelayMs ?? 500,
    maxDelayMs: given.maxDelayMs ?? 10_000,
    maxRetryAfterMs: given.maxRetryAfterMs ?? 60_000,
    deadlineMs: given.deadlineMs ?? 60_000,
    sleep: given.sleep ?? defaultSleep,
    random: given.random ?? Math.random,
    now: given.now ?? Date.now,
  };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new AnymailError(
      `retry.attempts must be a whole number of at least 1, got ${resolved.attempts}`,
    );
  }
  for (const key of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs", "deadlineMs"] as const) {
    if (!(resolved[key] >= 0)) {
      throw new AnymailError(`retry.${key} must be a non-negative number, got ${resolved[key]}`);
    }
  }
  return resolved;
}

/**
 * Why the loop is about to wait, for the logger.
 *
 * @example
 * ```ts
 * await withRetries(policy, callApi, (wait: RetryWait) =>
 *   console.log(`attempt ${wait.attempt} failed (${wait.error.statusCode}); retrying in ${wait.delayMs} ms`),
 * );
 * ```
 */
export interface RetryWait {
  attempt: number;
  delayMs: number;
  error: AnymailAPIError;
}

/**
 * Everything one attempt needs.
 *
 * @example
 * ```ts
 * await withRetries(policy, ({ attempt, signal, deadline }: AttemptContext) =>
 *   callApi({ signal, attempt, timeoutMs: deadline - Date.now() }),
 * );
 * ```
 */
export interface AttemptContext {
  attempt: number;
  signal: AbortSignal;
  deadline: number;
}

/**
 * Runs `attempt` until it succeeds, fails in a way that isn't retryable (or that
 * `mayRetry` refuses), runs out of attempts, or would pass the deadline. Only an AnymailAPIError with `retryable: true` is
 * retried; it waits `retryAfterMs` (capped) when given, else capped exponential backoff
 * with full jitter. An attempt cut short by the deadline becomes an AnymailAPIError of
 * kind `timeout`.
 *
 * @example
 * ```ts
 * const result = await withRetries(resolveRetryOptions({}), ({ signal }) => callApi(signal));
 * ```
 */
export async function withRetries<T>(
  options: ResolvedRetryOptions,
  attempt: (context: AttemptContext) => Promise<T>,
  onWait?: (wait: RetryWait) => void,
  mayRetry?: (error: AnymailAPIError) => boolean,
): Promise<T> {
  const deadline = options.now() + options.deadlineMs;
  const timer = new DeadlineTimer(options.deadlineMs);
  const { signal } = timer;
  try {
    for (let number = 1; ; number++) {
      let error: unknown;
      try {
        return await timer.race(attempt({ attempt: number, signal, deadline }));
      } catch (caught) {
        error = signal.aborted ? signal.reason : caught;
      }
      if (
        !isAnymailError(error, "api_error") ||
        !error.retryable ||
        number >= options.attempts ||
        (mayRetry !== undefined && !mayRetry(error))
      ) {
        throw error;
      }
      const delayMs = backoffDelay(options, number, error);
      if (options.now() + delayMs >= deadline) throw error;
      onWait?.({ attempt: number, delayMs, error });
      await options.sleep(delayMs);
      if (signal.aborted) throw error;
    }
  } finally {
    timer.stop();
  }
}

/**
 * One send's deadline: one controller and one timer, however many attempts. When the
 * timer fires it aborts the signal and rejects the attempt being raced directly, so an
 * attempt costs one promise, not an abort listener added and removed each time.
 */
class DeadlineTimer {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  #rejectAttempt: ((reason: unknown) => void) | undefined;

  constructor(deadlineMs: number) {
    this.#timer = setTimeout(() => {
      const reason = deadlineError(deadlineMs);
      this.#controller.abort(reason);
      this.#rejectAttempt?.(reason);
    }, deadlineMs);
    // Never keep a process alive just for the deadline.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Settles with `attempt`, or at the deadline even if the provider ignores the signal. */
  race<T>(attempt: Promise<T>): Promise<T> {
    const { signal } = this.#controller;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      this.#rejectAttempt = reject;
      attempt.then(resolve, reject);
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#rejectAttempt = undefined;
  }
}

/** The wait before retry number `attempt + 1`. */
export function backoffDelay(
  options: Pick<ResolvedRetryOptions, "baseDelayMs" | "maxDelayMs" | "maxRetryAfterMs" | "random">,
  attempt: number,
  error: Pick<AnymailAPIError, "retryAfterMs">,
): number {
  if (error.retryAfterMs !== undefined && error.retryAfterMs >= 0) {
    return Math.min(error.retryAfterMs, options.maxRetryAfterMs);
  }
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(options.random() * ceiling);
}

function deadlineError(deadlineMs: number): AnymailAPIError {
  return new AnymailAPIError(`The send did not finish within its ${deadlineMs} ms deadline`, {
    kind: "timeout",
    retryable: true,
  });
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
