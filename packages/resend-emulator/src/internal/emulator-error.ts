/**
 * Thrown by the emulator's JavaScript API when it is misused (bad options, a malformed
 * inbound message, an unknown email id). API clients never see it: they get Resend's JSON errors.
 *
 * @example
 * ```ts
 * try {
 *   await emu.emit("no-such-id", "email.opened");
 * } catch (error) {
 *   if (error instanceof ResendEmulatorError) console.error(error.code, error.message);
 * }
 * ```
 */
export class ResendEmulatorError extends Error {
  /** `invalid_options`, `invalid_input`, `not_found` or `timeout`. */
  readonly code: "invalid_options" | "invalid_input" | "not_found" | "timeout";

  constructor(code: ResendEmulatorError["code"], message: string) {
    super(message);
    this.name = "ResendEmulatorError";
    this.code = code;
  }
}
