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
  templateId: "Resend templates are not mapped; use espExtra.template",
  mergeGlobalData: "Resend has no template merge data",
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
      feature: "mergeData",
      description:
        "Resend has no template merge data; a mergeData whose entries are all empty only asks for a batch send",
      when: (message) =>
        message.mergeData !== undefined &&
        Object.values(message.mergeData).some((data) => Object.keys(data).length > 0),
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
 * resendFeatures().unsupported; // ["envelopeSender", "trackClicks", "trackOpens", "templateId", "mergeGlobalData"]
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
