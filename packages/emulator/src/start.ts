import type { AddressInfo } from "node:net";
import { Emulator, type ResendEmulator } from "./emulator.js";
import { EmulatorError } from "./errors.js";
import { createEmulatorServer } from "./internal/http/server.js";
import {
  type PayloadOf,
  PROVIDER_NAMES,
  type ProviderName,
  personalityFor,
} from "./personalities/registry.js";
import type { Personality } from "./personalities/personality.js";
import type { EmulatorOptions, ResendEmulatorOptions } from "./types.js";

/**
 * Starts a local ESP API on 127.0.0.1 (random port by default) with the personality named by
 * `provider` (default `"resend"`), and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@anymail/emulator";
 *
 * const emu = await startEmulator({ provider: "resend", port: 0, rateLimit: false });
 * const response = await fetch(`${emu.url}/emails`, {
 *   method: "POST",
 *   headers: { authorization: "Bearer re_test", "content-type": "application/json" },
 *   body: JSON.stringify({ from: "a@example.com", to: "delivered@resend.dev", subject: "Hi", text: "Hi" }),
 * });
 * console.log(response.status, emu.emails.length); // 200 1
 * await emu.close();
 * ```
 */
export async function startEmulator<P extends ProviderName = "resend">(
  options: EmulatorOptions & { provider?: P } = {},
): Promise<Emulator<PayloadOf<P>>> {
  const name = options.provider ?? "resend";
  const personality = personalityFor(name);
  if (!personality) {
    throw new EmulatorError(
      "invalid_options",
      `Unknown provider ${JSON.stringify(name)}; the emulator knows ${PROVIDER_NAMES.join(", ")}.`,
    );
  }
  return startWithPersonality(personality as Personality<PayloadOf<P>>, options);
}

/** Starts the shared machinery with any personality (tests use it with fixture personalities). */
export async function startWithPersonality<Payload>(
  personality: Personality<Payload>,
  options: EmulatorOptions,
): Promise<Emulator<Payload>> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EmulatorError(
      "invalid_options",
      `port must be an integer from 0 to 65535, got ${port}.`,
    );
  }
  const host = options.host ?? "127.0.0.1";
  const emu = new Emulator(personality, options);
  const server = createEmulatorServer(emu);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new EmulatorError("invalid_options", `Cannot listen on ${host}:${port}: ${error.message}`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  emu.server = server;
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  emu.url = `http://${shownHost}:${address.port}`;
  return emu;
}

/**
 * Starts the emulator with the Resend personality: `startEmulator({ provider: "resend", ...options })`.
 *
 * @example
 * ```ts
 * import { startResendEmulator } from "@anymail/emulator";
 * import { Resend } from "resend";
 *
 * const emu = await startResendEmulator({ port: 0, rateLimit: false });
 * const resend = new Resend("re_test_key", { baseUrl: emu.url });
 * const { data } = await resend.emails.send({
 *   from: "Shop <shop@example.com>",
 *   to: "delivered@resend.dev",
 *   subject: "Hello",
 *   text: "Hi!",
 * });
 * console.log(emu.emails[0]?.id === data?.id); // true
 * await emu.close();
 * ```
 */
export function startResendEmulator(options: ResendEmulatorOptions = {}): Promise<ResendEmulator> {
  return startEmulator({ ...options, provider: "resend" });
}
