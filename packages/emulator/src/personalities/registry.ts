import { mailgunPersonality } from "./mailgun/index.js";
import type { Personality } from "./personality.js";
import { postmarkPersonality } from "./postmark/index.js";
import { resendPersonality } from "./resend/index.js";

/**
 * Every personality, by `--provider` name. Adding an ESP is one line here; nothing else in the
 * shared layer names an ESP.
 */
export const PERSONALITIES = {
  resend: resendPersonality,
  postmark: postmarkPersonality,
  mailgun: mailgunPersonality,
  // biome-ignore lint/suspicious/noExplicitAny: each personality has its own payload type
} as const satisfies Record<string, Personality<any>>;

/**
 * The ESPs the emulator can behave like.
 *
 * @example
 * ```ts
 * const provider: ProviderName = "resend";
 * ```
 */
export type ProviderName = keyof typeof PERSONALITIES;

/** The webhook payload type of a personality. */
export type PayloadOf<P extends ProviderName> =
  (typeof PERSONALITIES)[P] extends Personality<infer Payload> ? Payload : never;

export function personalityFor(name: string): Personality | undefined {
  return Object.hasOwn(PERSONALITIES, name)
    ? (PERSONALITIES[name as ProviderName] as Personality)
    : undefined;
}

export const PROVIDER_NAMES = Object.keys(PERSONALITIES) as ProviderName[];
