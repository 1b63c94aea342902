import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Resend } from "resend";
import { Webhook } from "svix";
import { afterEach } from "vitest";
import {
  type ResendEmulator,
  type ResendEmulatorOptions,
  startResendEmulator,
} from "../src/index.js";

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A real local HTTP server that records webhook POSTs and answers with the next queued status. */
export interface HookReceiver {
  url: string;
  hooks: ReceivedHook[];
  /** Statuses to answer with, in order; 204 once exhausted. */
  statuses: number[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export async function startHookReceiver(): Promise<HookReceiver> {
  const hooks: ReceivedHook[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      hooks.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: HookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    hooks,
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  cleanups.push(receiver.close);
  return receiver;
}

/** Starts an emulator that is closed after the test. */
export async function emulator(options: ResendEmulatorOptions = {}): Promise<ResendEmulator> {
  const emu = await startResendEmulator({ rateLimit: false, deliveryDelayMs: 5, ...options });
  cleanups.push(() => emu.close());
  return emu;
}

export function sdk(emu: { url: string }, key = "re_test_123"): Resend {
  return new Resend(key, { baseUrl: emu.url });
}

/** Verifies a received webhook with the svix library and returns the parsed payload. */
export function verifyHook(
  secret: string,
  hook: ReceivedHook,
): { type: string; created_at: string; data: Record<string, unknown> } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hook.headers))
    if (typeof value === "string") headers[name] = value;
  return new Webhook(secret).verify(hook.rawBody, headers) as {
    type: string;
    created_at: string;
    data: Record<string, unknown>;
  };
}

/** A raw HTTP call to the emulator, for what the SDK cannot express. */
export async function call(
  emu: { url: string },
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    key?: string | null;
  } = {},
) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "emulator-test",
    ...options.headers,
  };
  if (options.key !== null) headers.authorization = `Bearer ${options.key ?? "re_test_123"}`;
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: json as Record<string, unknown>,
  };
}

export const basicEmail = {
  from: "Shop <shop@example.com>",
  to: "delivered@resend.dev",
  subject: "Hello",
  text: "Hi there",
};

/** Polls a condition on the event loop (no fixed sleeps); throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
