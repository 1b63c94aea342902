import type { FaultConfig, FaultRule } from "../../types.js";

/** What to do with one request, decided up front so a seed replays the same sequence. */
export interface FaultPlan {
  latencyMs: number;
  reset: boolean;
  errorStatus: number | null;
  dropResponse: boolean;
}

const NO_FAULT: FaultPlan = { latencyMs: 0, reset: false, errorStatus: null, dropResponse: false };

export class FaultInjector {
  private config: FaultConfig;
  /** Per rule: requests seen and faults injected, for `afterRequests` and `maxFaults`. */
  private counts = new WeakMap<FaultRule, { seen: number; injected: number }>();

  constructor(
    config: FaultConfig | undefined,
    private readonly random: () => number,
  ) {
    this.config = config ?? {};
  }

  set(config: FaultConfig | undefined): void {
    this.config = config ?? {};
    this.counts = new WeakMap();
  }

  plan(endpoint: string): FaultPlan {
    const rule: FaultRule | undefined = this.config[endpoint] ?? this.config["*"];
    if (!rule) return NO_FAULT;
    // Draw every number even when an earlier fault wins, so one request always consumes the
    // same amount of randomness and later decisions do not shift.
    const resetDraw = this.random();
    const errorDraw = this.random();
    const dropDraw = this.random();
    let count = this.counts.get(rule);
    if (count === undefined) {
      count = { seen: 0, injected: 0 };
      this.counts.set(rule, count);
    }
    count.seen++;
    const armed =
      count.seen > (rule.afterRequests ?? 0) &&
      count.injected < (rule.maxFaults ?? Number.POSITIVE_INFINITY);
    const reset = armed && resetDraw < (rule.resetRate ?? 0);
    const error = armed && !reset && errorDraw < (rule.errorRate ?? 0);
    const dropResponse = armed && !reset && !error && dropDraw < (rule.dropResponseRate ?? 0);
    if (reset || error || dropResponse) count.injected++;
    return {
      latencyMs: rule.latencyMs ?? 0,
      reset,
      errorStatus: error ? (rule.errorStatus ?? 500) : null,
      dropResponse,
    };
  }
}
