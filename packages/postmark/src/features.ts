import type {
  EmailAddress,
  FeatureQuirk,
  FeatureSupport,
  PreparedMessage,
  StandardFeature,
} from "@anymail/core";

/**
 * Most recipients (To, Cc and Bcc together) Postmark accepts on one message.
 *
 * @example
 * ```ts
 * if (recipients.length > POSTMARK_MAX_RECIPIENTS) {
 *   // one message per recipient instead: an empty mergeData asks for a batch send
 *   await mailer.send({ ...message, to: recipients, mergeData: {} });
 * }
 * ```
 */
export const POSTMARK_MAX_RECIPIENTS = 50;

/**
 * Most messages Postmark accepts in one `/email/batch` or `/email/batchWithTemplates` call;
 * core splits a larger batch send into calls of this size.
 *
 * @example
 * ```ts
 * const calls = Math.ceil(recipients.length / POSTMARK_MAX_BATCH_SIZE); // calls of one batch send
 * ```
 */
export const POSTMARK_MAX_BATCH_SIZE = 500;

/**
 * Message fields Postmark can't do at all (any set value is refused), with the reason shown
 * in the docs table.
 *
 * @example
 * ```ts
 * POSTMARK_UNSUPPORTED_FEATURES.map((f) => f.feature); // ["envelopeSender", "sendAt"]
 * ```
 */
export const POSTMARK_UNSUPPORTED_FEATURES: readonly {
  readonly feature: StandardFeature;
  readonly description: string;
}[] = [
  {
    feature: "envelopeSender",
    description: "Postmark sets the Return-Path per sending domain (custom return path)",
  },
  { feature: "sendAt", description: "Postmark has no scheduled sending" },
];

function allAddresses(message: PreparedMessage): EmailAddress[] {
  return [message.from, ...message.to, ...message.cc, ...message.bcc, ...message.replyTo];
}

function hasEntries(value: Readonly<Record<string, unknown>> | undefined): boolean {
  return value !== undefined && Object.keys(value).length > 0;
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== "";
}

/** How many recipients one Postmark message carries: every `to` at once, or one per batch message. */
function recipientsPerMessage(message: PreparedMessage): number {
  const to = message.isBatch ? Math.min(message.to.length, 1) : message.to.length;
  return to + message.cc.length + message.bcc.length;
}

// describe() is called detached by some callers, so the texts live outside the objects.
const MULTIPLE_TAGS = "multiple tags";
const EAI = "non-ASCII local parts in addresses (EAI)";
const TOO_MANY = `more than ${POSTMARK_MAX_RECIPIENTS} recipients in one message`;

/**
 * The message-dependent limits of Postmark. The first three are anymail's; the rest are
 * Postmark API errors that we catch before any HTTP call.
 *
 * @example
 * ```ts
 * postmarkQuirks().map((q) => q.feature); // ["multiple tags", "mergeData without templateId", …]
 * ```
 */
export function postmarkQuirks(): FeatureQuirk[] {
  const eaiAddress = (message: PreparedMessage) => allAddresses(message).find((a) => a.usesEai);
  return [
    {
      feature: MULTIPLE_TAGS,
      description:
        "Postmark allows one `Tag` per message; with `ignoreUnsupportedFeatures` only the first is sent",
      when: (message) => (message.tags?.length ?? 0) > 1,
      describe: (message) => `${MULTIPLE_TAGS} (${JSON.stringify(message.tags ?? [])})`,
    },
    {
      feature: "mergeData without templateId",
      description:
        "Postmark applies merge data only through its template API; an empty mergeData (or entries that are all empty) just asks for a batch send",
      when: (message) =>
        message.templateId === undefined &&
        message.mergeData !== undefined &&
        Object.values(message.mergeData).some((data) => hasEntries(data)),
    },
    {
      feature: "mergeGlobalData without templateId",
      description: "Postmark ignores `TemplateModel` outside its template API",
      when: (message) => message.templateId === undefined && hasEntries(message.mergeGlobalData),
    },
    {
      feature: "subject, text or html with templateId",
      description:
        "the template supplies them; Postmark refuses `Subject`, `TextBody` and `HtmlBody` beside a template (empty ones are dropped)",
      when: (message) =>
        message.templateId !== undefined &&
        (nonEmpty(message.subject) || nonEmpty(message.text) || nonEmpty(message.html)),
    },
    {
      feature: "inline attachments without Content-ID",
      description: "an inline attachment needs a `contentId` to be referenced as `cid:`",
      when: (message) =>
        message.attachments.some(
          (a) => a.inline && (a.contentId === undefined || a.contentId === ""),
        ),
    },
    {
      feature: EAI,
      description:
        "Postmark rejects addresses like `jörg@example.com` in any field (non-ASCII domains are fine)",
      when: (message) => eaiAddress(message) !== undefined,
      describe(message) {
        const address = eaiAddress(message);
        return address === undefined ? EAI : `${EAI}: '${address.addrSpec}'`;
      },
    },
    {
      feature: TOO_MANY,
      description:
        "Postmark's limit for To, Cc and Bcc together; in a batch send each message has one `to` plus every cc and bcc",
      when: (message) => recipientsPerMessage(message) > POSTMARK_MAX_RECIPIENTS,
      describe: (message) => `${TOO_MANY} (got ${recipientsPerMessage(message)})`,
    },
    {
      feature: "a batch send without to recipients",
      description:
        "a batch send makes one message per `to` recipient; cc and bcc alone can't be batched",
      when: (message) => message.isBatch && message.to.length === 0,
    },
  ];
}

/**
 * Postmark's feature-support table for core, which checks it before any HTTP call.
 *
 * @example
 * ```ts
 * postmarkFeatures().unsupported; // ["envelopeSender", "sendAt"]
 * ```
 */
export function postmarkFeatures(): FeatureSupport {
  return {
    unsupported: POSTMARK_UNSUPPORTED_FEATURES.map((entry) => entry.feature),
    quirks: postmarkQuirks(),
    // Core's featureTable() renders these next to each unsupported field.
    reasons: Object.fromEntries(
      POSTMARK_UNSUPPORTED_FEATURES.map(({ feature, description }) => [feature, description]),
    ),
  };
}
