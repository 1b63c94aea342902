import type {
  EmailAddress,
  FeatureQuirk,
  FeatureSupport,
  PreparedMessage,
  StandardFeature,
} from "@anymail/core";
import { extensionDisagrees, generatedFilename } from "./internal/attachment-names.js";

/**
 * Most `to` recipients Resend accepts in one `POST /emails`.
 *
 * @example
 * ```ts
 * if (recipients.length > RESEND_MAX_TO_RECIPIENTS) {
 *   // one email per recipient instead: an empty mergeMetadata asks for a batch send
 *   await mailer.send({ ...message, to: recipients, mergeMetadata: {} });
 * }
 * ```
 */
export const RESEND_MAX_TO_RECIPIENTS = 50;
/**
 * Most emails Resend accepts in one `POST /emails/batch`.
 *
 * @example
 * ```ts
 * Math.ceil(250 / RESEND_MAX_BATCH_SIZE); // 3 batch calls for a batch send to 250 recipients
 * ```
 */
export const RESEND_MAX_BATCH_SIZE = 100;

/** Message fields Resend can't do at all (any set value, even `false` or `{}`, is refused), and why. */
const UNSUPPORTED_REASONS = {
  envelopeSender: "Resend chooses the Return-Path itself",
  trackClicks: "click tracking is a per-domain setting in Resend",
  trackOpens: "open tracking is a per-domain setting in Resend",
} as const satisfies Partial<Record<StandardFeature, string>>;

/**
 * Options that change which quirks apply.
 *
 * @example
 * ```ts
 * const options: ResendFeatureOptions = { verifyAttachmentExtensions: false };
 * resendFeatures(options).quirks.length;
 * ```
 */
export interface ResendFeatureOptions {
  /** Check that attachment filename extensions agree with content types. Default true. */
  verifyAttachmentExtensions?: boolean;
}

/** Longest template variable name Resend accepts. */
const RESEND_MAX_VARIABLE_NAME = 50;
/** Most variables one Resend template has. */
const RESEND_MAX_VARIABLES = 50;
/** Names Resend keeps for contact fields. */
const RESEND_RESERVED_VARIABLES = ["FIRST_NAME", "LAST_NAME", "EMAIL", "UNSUBSCRIBE_URL"];
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,50}$/;

const isBadVariableName = (name: string) =>
  !VARIABLE_NAME.test(name) || RESEND_RESERVED_VARIABLES.includes(name);
const isBadVariableValue = (_name: string, value: unknown) =>
  !(typeof value === "string" || (typeof value === "number" && Number.isFinite(value)));

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value === "number" ? "non-finite number" : typeof value;
}

/** Every variable set a template send carries: the global one, then each recipient's. */
function variableSets(message: PreparedMessage): Readonly<Record<string, unknown>>[] {
  const sets: Readonly<Record<string, unknown>>[] = [];
  if (message.mergeGlobalData !== undefined) sets.push(message.mergeGlobalData);
  if (message.mergeData !== undefined) sets.push(...Object.values(message.mergeData));
  return sets;
}

/** The first `[name, value]` that `bad` refuses, in a template send's variables. */
function badTemplateVariable(
  message: PreparedMessage,
  bad: (name: string, value: unknown) => boolean,
): [string, unknown] | undefined {
  if (message.templateId === undefined) return undefined;
  for (const set of variableSets(message)) {
    for (const [name, value] of Object.entries(set)) if (bad(name, value)) return [name, value];
  }
  return undefined;
}

/** The most variables one email of a template send carries (global merged with a recipient's). */
function maxVariableCount(message: PreparedMessage): number {
  if (message.templateId === undefined) return 0;
  const global = Object.keys(message.mergeGlobalData ?? {});
  const perRecipient = Object.values(message.mergeData ?? {});
  if (perRecipient.length === 0) return global.length;
  return Math.max(...perRecipient.map((data) => new Set([...global, ...Object.keys(data)]).size));
}

function firstAttachment(
  message: PreparedMessage,
  test: (attachment: PreparedMessage["attachments"][number]) => boolean,
) {
  return message.attachments.find(test);
}

function allAddresses(message: PreparedMessage): EmailAddress[] {
  return [message.from, ...message.to, ...message.cc, ...message.bcc, ...message.replyTo];
}

/**
 * The message-dependent limits of Resend, in anymail's check order. Anymail checks the
 * first four; the rest are Resend API errors that we catch before any HTTP call.
 */
function resendQuirks(options: ResendFeatureOptions = {}): FeatureQuirk[] {
  const verifyExtensions = options.verifyAttachmentExtensions ?? true;
  const mismatched = (message: PreparedMessage) =>
    firstAttachment(
      message,
      (a) =>
        a.filename !== undefined && a.filename !== "" && extensionDisagrees(a.filename, a.mimeType),
    );
  const unnamedUnknown = (message: PreparedMessage) =>
    firstAttachment(
      message,
      (a) =>
        (a.filename === undefined || a.filename === "") &&
        generatedFilename(a.mimeType) === undefined,
    );
  const eaiAddress = (message: PreparedMessage) => allAddresses(message).find((a) => a.usesEai);
  // describe() is called detached by some callers, so it names features without `this`.
  const MISMATCH = "attachments whose filename extension disagrees with their content type";
  const UNNAMED = "unnamed attachments of a type with no known extension";
  const EAI = "non-ASCII local parts in addresses (EAI)";
  const TOO_MANY_TO = `more than ${RESEND_MAX_TO_RECIPIENTS} to recipients in a single send`;

  return [
    {
      feature: "spoofing `To` header",
      description:
        "a `To` in `headers` would show recipients other than the real ones; Resend always writes `To` from `to`",
      when: (message) =>
        message.headers !== undefined &&
        Object.keys(message.headers).some((name) => name.toLowerCase() === "to"),
    },
    {
      feature: MISMATCH,
      description:
        "Resend silently drops such mail. Switch off with `verifyAttachmentExtensions: false`; extensions known only as application/octet-stream (.bin, .img) never disagree",
      when: (message) => verifyExtensions && mismatched(message) !== undefined,
      describe(message) {
        const attachment = mismatched(message);
        return attachment === undefined
          ? MISMATCH
          : `attachments of type ${attachment.mimeType} with name '${attachment.filename}'`;
      },
    },
    {
      feature: UNNAMED,
      description:
        "Resend derives the type from the filename; unnamed attachments are named `attachment.<ext>` when the type has an extension",
      when: (message) => unnamedUnknown(message) !== undefined,
      describe(message) {
        const attachment = unnamedUnknown(message);
        return attachment === undefined
          ? UNNAMED
          : `unnamed attachments of type ${attachment.mimeType}`;
      },
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
      feature: "attachments with sendAt",
      description: "Resend can't schedule emails that have attachments",
      when: (message) => message.sendAt !== undefined && message.attachments.length > 0,
    },
    {
      feature: "attachments in a batch send",
      description:
        "`/emails/batch` refuses attachments (batch: mergeMetadata, mergeHeaders or empty mergeData)",
      when: (message) => message.isBatch && message.attachments.length > 0,
    },
    {
      feature: "sendAt in a batch send",
      description: "`/emails/batch` refuses `scheduled_at`",
      when: (message) => message.isBatch && message.sendAt !== undefined,
    },
    {
      feature: EAI,
      description:
        "Resend rejects addresses like `jörg@example.com` in any field (non-ASCII domains are fine)",
      when: (message) => eaiAddress(message) !== undefined,
      describe(message) {
        const address = eaiAddress(message);
        return address === undefined
          ? EAI
          : `non-ASCII local parts in addresses (EAI): '${address.addrSpec}'`;
      },
    },
    {
      feature: TOO_MANY_TO,
      description: "Resend's limit per `POST /emails`; a batch send has no such limit",
      when: (message) => !message.isBatch && message.to.length > RESEND_MAX_TO_RECIPIENTS,
      describe(message) {
        return `${TOO_MANY_TO} (got ${message.to.length})`;
      },
    },
    {
      feature: "a batch send without to recipients",
      description:
        "a batch send makes one email per `to` recipient; cc and bcc alone can't be batched",
      when: (message) => message.isBatch && message.to.length === 0,
    },
    {
      feature: "mergeData without templateId",
      description:
        "per-recipient variables need a Resend template; a mergeData whose entries are all empty only asks for a batch send",
      when: (message) =>
        message.templateId === undefined &&
        message.mergeData !== undefined &&
        Object.values(message.mergeData).some((data) => Object.keys(data).length > 0),
    },
    {
      feature: "mergeGlobalData without templateId",
      description: "template variables need a Resend template (templateId)",
      when: (message) => message.templateId === undefined && message.mergeGlobalData !== undefined,
    },
    {
      feature: "html or text with a templateId",
      description: "Resend renders the template's own body and refuses html/text beside it",
      when: (message) =>
        message.templateId !== undefined &&
        (message.html !== undefined || message.text !== undefined),
    },
    {
      feature: "template variable name",
      description: `variable names are 1–${RESEND_MAX_VARIABLE_NAME} ASCII letters, digits or underscores, not ${RESEND_RESERVED_VARIABLES.join(", ")}`,
      when: (message) => badTemplateVariable(message, isBadVariableName) !== undefined,
      describe: (message) =>
        `template variable name ${JSON.stringify(badTemplateVariable(message, isBadVariableName)?.[0])}`,
    },
    {
      feature: "template variable value",
      description: "variable values are strings or finite numbers",
      when: (message) => badTemplateVariable(message, isBadVariableValue) !== undefined,
      describe(message) {
        const [name, value] = badTemplateVariable(message, isBadVariableValue) ?? [];
        return `template variable value ${JSON.stringify(name)} (${describeValue(value)})`;
      },
    },
    {
      feature: "more than 50 template variables",
      description: `a Resend template has at most ${RESEND_MAX_VARIABLES} variables`,
      when: (message) => maxVariableCount(message) > RESEND_MAX_VARIABLES,
      describe: (message) =>
        `more than ${RESEND_MAX_VARIABLES} template variables (got ${maxVariableCount(message)})`,
    },
  ];
}

/**
 * Resend's feature table: the fields it can't send (with why) and its message-dependent
 * quirks. Core checks it before any HTTP call; `featureTable()` from `@anymail/core`
 * turns it into rows for docs and UIs.
 *
 * @example
 * ```ts
 * import { featureTable } from "@anymail/core";
 *
 * resendFeatures().unsupported; // ["envelopeSender", "trackClicks", "trackOpens"]
 * featureTable(resendFeatures()); // [{ feature: "envelopeSender", kind: "unsupported", description: "…" }, …]
 * ```
 */
export function resendFeatures(options: ResendFeatureOptions = {}): FeatureSupport {
  return {
    unsupported: Object.keys(UNSUPPORTED_REASONS) as StandardFeature[],
    reasons: UNSUPPORTED_REASONS,
    quirks: resendQuirks(options),
  };
}
