import type { FaultRule } from "@anymail/emulator";

export interface MailgunSoakOptions {
  sends: number;
  concurrency?: number;
  seed?: number;
  requestsPerSecond?: number;
  faults?: FaultRule;
  retry?: Record<string, number>;
}

export interface MailgunSoakReport {
  sends: number;
  resolved: number;
  threwTyped: number;
  threwUntyped: number;
  errorCodes: Record<string, number>;
  storedEmails: number;
  lost: number;
  duplicated: number;
  wrongId: number;
  thrownButStored: number;
  thrownRetryableButStored: number;
  attempts: Record<string, number>;
  durationMs: number;
  sendsPerSecond: number;
  problems: string[];
}

export { ISSUE_8_FAULTS, SOAK_RETRY } from "./soak.mjs";
export function runMailgunFaultSoak(options: MailgunSoakOptions): Promise<MailgunSoakReport>;
export function formatMailgunSoakReport(title: string, report: MailgunSoakReport): string;
