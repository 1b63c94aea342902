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

  constructor(
    config: FaultConfig | undefined,
    private readonly random: () => number,
  ) {
    this.config = config ?? {};
  }

  set(config: FaultConfig | undefined): void {
    this.config = config ?? {};
  }

  plan(endpoint: string): FaultPlan {
    const rule: FaultRule | undefined = this.config[endpoint] ?? this.config["*"];
    if (!rule) return NO_FAULT;
    // Draw every number even when an earlier fault wins, so one request always consumes the
    // same amount of randomness and later decisions do not shift.
    const resetDraw = this.random();
    const errorDraw = this.random();
    const dropDraw = this.random();
    const reset = resetDraw < (rule.resetRate ?? 0);
    const error = !reset && errorDraw < (rule.errorRate ?? 0);
    return {
      latencyMs: rule.latencyMs ?? 0,
      reset,
      errorStatus: error ? (rule.errorStatus ?? 500) : null,
      dropResponse: !reset && !error && dropDraw < (rule.dropResponseRate ?? 0),
    };
  }
}
