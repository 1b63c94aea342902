import type { FaultRule } from "@anymail/emulator";

export interface SoakOptions {
  sends: number;
  concurrency?: number;
  /** > 0 makes every send a batch (mergeMetadata) to that many recipients. */
  batchSize?: number;
  seed?: number;
  requestsPerSecond?: number;
  faults?: FaultRule;
  retry?: Record<string, number>;
  /** Which emulator personality and provider; default "resend". */
  provider?: "resend" | "postmark";
  /** Retry every failure, ambiguous ones included, as a naive client would (shows duplicates). */
  naiveRetries?: boolean;
}

export interface SoakReport {
  provider: string;
  sends: number;
  recipientsPerSend: number;
  expectedEmails: number;
  resolved: number;
  threwTyped: number;
  threwUntyped: number;
  errorCodes: Record<string, number>;
  storedEmails: number;
  lost: number;
  duplicated: number;
  wrongId: number;
  thrownButStored: number;
  attempts: Record<string, number>;
  durationMs: number;
  sendsPerSecond: number;
  problems: string[];
}

export const ISSUE_8_FAULTS: FaultRule;
export const SOAK_RETRY: Record<string, number>;
export function storedRequest(record: unknown): Record<string, unknown>;
export function runFaultSoak(options: SoakOptions): Promise<SoakReport>;
export function formatSoakReport(title: string, report: SoakReport): string;
