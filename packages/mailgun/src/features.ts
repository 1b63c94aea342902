import type { EmailAddress, FeatureQuirk, FeatureSupport, PreparedMessage } from "@anymail/core";
import { conflictingTemplateKeys } from "./internal/recipient-variables.js";

/**
 * Most recipients (to + cc + bcc) Mailgun takes in one message; core splits a larger batch
 * send into calls that stay within it.
 *
 * @example
 * ```ts
 * const calls = Math.ceil(to.length / (MAILGUN_MAX_RECIPIENTS - cc.length - bcc.length)); // calls of one batch send
 * ```
 */
export const MAILGUN_MAX_RECIPIENTS = 1000;

/**
 * Options of {@link mailgunFeatures}.
 *
 * @example
 * ```ts
 * const options: MailgunFeatureOptions = { checkDisplayNames: false };
 * ```
 */
export interface MailgunFeatureOptions {
  /** Refuse non-ASCII display names that also hold punctuation needing quotes. Default true. */
  checkDisplayNames?: boolean;
}

// RFC 5322 "specials": a display name holding one must be quoted.
const SPECIALS = /[()<>[\]:;@\\,."]/;
const NON_ASCII = /[^\x00-\x7f]/;

function allAddresses(m: PreparedMessage): EmailAddress[] {
  return [m.from, ...m.to, ...m.cc, ...m.bcc, ...m.replyTo];
}

function problemDisplayName(m: PreparedMessage): EmailAddress | undefined {
  return allAddresses(m).find((a) => NON_ASCII.test(a.displayName) && SPECIALS.test(a.displayName));
}

function isComplex(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function complexTemplateData(m: PreparedMessage): string | undefined {
  if (m.templateId === undefined) return undefined;
  for (const [key, value] of Object.entries(m.mergeGlobalData ?? {})) {
    if (isComplex(value)) return key;
  }
  for (const data of Object.values(m.mergeData ?? {})) {
    for (const [key, value] of Object.entries(data)) if (isComplex(value)) return key;
  }
  return undefined;
}

function prefixedMergeDataKey(m: PreparedMessage, prefix: "v:" | "h:"): string | undefined {
  const keys = [
    ...Object.values(m.mergeData ?? {}).flatMap((d) => Object.keys(d)),
    ...Object.keys(m.mergeGlobalData ?? {}),
  ];
  return keys.find((k) => k.toLowerCase().startsWith(prefix));
}

function recipientCount(m: PreparedMessage): number {
  return m.to.length + m.cc.length + m.bcc.length;
}

/**
 * How many `to` recipients one call of a batch send carries: cc and bcc go in every call.
 * Zero when not even one fits (a batch send with 1,000 cc and bcc).
 */
export function mailgunToPerCall(m: PreparedMessage): number {
  return Math.max(0, MAILGUN_MAX_RECIPIENTS - m.cc.length - m.bcc.length);
}

/** Over the limit, and not a batch send core can split into calls that fit. */
function tooManyRecipients(m: PreparedMessage): boolean {
  if (recipientCount(m) <= MAILGUN_MAX_RECIPIENTS) return false;
  return !m.isBatch || mailgunToPerCall(m) === 0;
}

/**
 * Mailgun's quirks, each refused before any HTTP call. The first five come from anymail
 * (which raises the EAI, inline and template-conflict ones itself and documents the
 * others); the rest anymail leaves to Mailgun's API or to silent misbehaviour.
 *
 * @example
 * ```ts
 * for (const quirk of mailgunQuirks()) console.log(quirk.feature, "—", quirk.description);
 * ```
 */
export function mailgunQuirks(options: MailgunFeatureOptions = {}): FeatureQuirk[] {
  const quirks: FeatureQuirk[] = [
    {
      feature: "EAI in from",
      description:
        "A non-ASCII local part in `from`: Mailgun writes an invalid From header that blocks delivery.",
      when: (m) => m.from.usesEai,
    },
    {
      feature: "inline attachments without Content-ID",
      description: "Mailgun silently drops inline parts that have no Content-ID.",
      when: (m) => m.attachments.some((a) => a.inline && a.contentId === undefined),
    },
    {
      feature: "conflicting mergeData and metadata keys when using templateId",
      description:
        "A stored template reads merge data and metadata from the same custom data: a key can't be both.",
      when: (m) => conflictingTemplateKeys(m).length > 0,
      describe: (m) =>
        `conflicting mergeData and metadata keys (${conflictingTemplateKeys(m)
          .map((k) => `'${k}'`)
          .join(", ")}) when using templateId`,
    },
    {
      feature: "complex mergeData values with templateId",
      description:
        "Mailgun passes only strings and numbers to stored templates in a batch: no objects or lists.",
      when: (m) => complexTemplateData(m) !== undefined,
      describe: (m) => `complex mergeData value for '${complexTemplateData(m)}' with templateId`,
    },
    {
      feature: "mergeData keys starting with 'v:' with mergeMetadata",
      description:
        "merge metadata travels as `v:`-prefixed recipient variables, which such a key would overwrite.",
      when: (m) => m.mergeMetadata !== undefined && prefixedMergeDataKey(m, "v:") !== undefined,
    },
    {
      feature: "mergeData keys starting with 'h:' with mergeHeaders",
      description:
        "merge headers travel as `h:`-prefixed recipient variables, which such a key would overwrite.",
      when: (m) => m.mergeHeaders !== undefined && prefixedMergeDataKey(m, "h:") !== undefined,
    },
    {
      feature: "messages without a to recipient",
      description:
        "Mailgun requires at least one `to` address; cc and bcc alone are refused (400).",
      when: (m) => m.to.length === 0,
    },
    {
      feature: `more than ${MAILGUN_MAX_RECIPIENTS} recipients`,
      description: `Mailgun takes at most ${MAILGUN_MAX_RECIPIENTS} to + cc + bcc recipients per message; a batch send (merge fields) is split into calls that fit, as cc and bcc go in every call.`,
      when: tooManyRecipients,
    },
  ];
  if (options.checkDisplayNames ?? true) {
    quirks.push({
      feature: "non-ASCII display names with punctuation",
      description:
        "Mailgun encodes such names so that mail apps show stray quotes (anymail issue #270). Switch off with checkDisplayNames: false.",
      when: (m) => problemDisplayName(m) !== undefined,
      describe: (m) =>
        `non-ASCII display names with punctuation (${JSON.stringify(problemDisplayName(m)?.displayName)})`,
    });
  }
  return quirks;
}

/**
 * Mailgun's feature table: every standard field is supported (envelopeSender selects the
 * sender domain), so only the quirks remain.
 *
 * @example
 * ```ts
 * const provider = { name: "Mailgun", features: mailgunFeatures(), send };
 * ```
 */
export function mailgunFeatures(options: MailgunFeatureOptions = {}): FeatureSupport {
  return { unsupported: [], quirks: mailgunQuirks(options) };
}
