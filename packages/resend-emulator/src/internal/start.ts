import type { AddressInfo } from "node:net";
import { ResendEmulator } from "./emulator.js";
import { ResendEmulatorError } from "./emulator-error.js";
import { createEmulatorServer } from "./server.js";
import type { ResendEmulatorOptions } from "./types.js";

/**
 * Starts a local Resend API on 127.0.0.1 (random port by default) and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startResendEmulator } from "@anymail/resend-emulator";
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
export async function startResendEmulator(
  options: ResendEmulatorOptions = {},
): Promise<ResendEmulator> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ResendEmulatorError(
      "invalid_options",
      `port must be an integer from 0 to 65535, got ${port}.`,
    );
  }
  const host = options.host ?? "127.0.0.1";
  const emu = new ResendEmulator(options);
  const server = createEmulatorServer(emu);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new ResendEmulatorError(
          "invalid_options",
          `Cannot listen on ${host}:${port}: ${error.message}`,
        ),
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
