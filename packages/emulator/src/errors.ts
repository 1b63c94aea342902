/**
 * Thrown by the emulator's JavaScript API when it is misused (bad options, a malformed
 * inbound message, an unknown email id). API clients never see it: they get the ESP's errors.
 *
 * @example
 * ```ts
 * try {
 *   await emu.emit("no-such-id", "email.opened");
 * } catch (error) {
 *   if (error instanceof EmulatorError) console.error(error.code, error.message);
 * }
 * ```
 */
export class EmulatorError extends Error {
  /** `invalid_options`, `invalid_input`, `not_found` or `timeout`. */
  readonly code: "invalid_options" | "invalid_input" | "not_found" | "timeout";

  constructor(code: EmulatorError["code"], message: string) {
    super(message);
    this.name = "EmulatorError";
    this.code = code;
  }
}

/**
 * The Resend-era name of {@link EmulatorError}: the same class.
 *
 * @example
 * ```ts
 * if (error instanceof ResendEmulatorError) console.error(error.code);
 * ```
 */
export const ResendEmulatorError = EmulatorError;
/** The Resend-era name of {@link EmulatorError}. */
export type ResendEmulatorError = EmulatorError;
