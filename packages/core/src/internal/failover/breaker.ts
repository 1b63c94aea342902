/**
 * One provider's circuit breaker inside a failover(): closed (sends go through), open
 * (skipped until the cooldown ends), then half-open (exactly one send probes it; its
 * outcome closes or re-opens the circuit).
 *
 * @example
 * ```ts
 * const state: CircuitState = provider.circuits()[0]?.state ?? "closed"; // "open" while skipped
 * ```
 */
export type CircuitState = "closed" | "open" | "half_open";

/** What {@link CircuitBreaker.acquire} allowed. */
export type CircuitPermit = "closed" | "probe";

export class CircuitBreaker {
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number,
  ) {}

  /** May a send go to this provider now? A `"probe"` permit must end in success, failure or release. */
  acquire(): CircuitPermit | undefined {
    if (this.#openedAt === undefined) return "closed";
    if (this.now() < this.#openedAt + this.cooldownMs || this.#probing) return undefined;
    this.#probing = true;
    return "probe";
  }

  success(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
  }

  /** A failure proving the provider did not accept the message. */
  failure(permit: CircuitPermit): void {
    this.#failures++;
    if (permit === "probe") {
      this.#probing = false;
      this.#openedAt = this.now();
    } else if (this.#openedAt === undefined && this.#failures >= this.threshold) {
      this.#openedAt = this.now();
    }
  }

  /** The send said nothing about the provider's health (ambiguous, or a message-specific refusal). */
  release(permit: CircuitPermit): void {
    if (permit === "probe") this.#probing = false;
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return "closed";
    return this.now() < this.#openedAt + this.cooldownMs ? "open" : "half_open";
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Epoch ms when an open circuit lets a probe through, else undefined. */
  get retryAt(): number | undefined {
    return this.#openedAt === undefined ? undefined : this.#openedAt + this.cooldownMs;
  }

  /** Why {@link acquire} refused, for the attempts list. */
  describeRefusal(): string {
    if (this.#probing && this.state === "half_open") {
      return "circuit half-open: another send is probing it";
    }
    const waitMs = Math.max(0, (this.retryAt ?? 0) - this.now());
    return `circuit open after ${this.#failures} consecutive failures; next probe in ${waitMs} ms`;
  }
}
