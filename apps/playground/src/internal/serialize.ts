import type { InboundEvent, InboundMessage, SendResult, TrackingEvent } from "@anymail/core";
import { isAnymailError } from "@anymail/core";

/** An error as the page shows it: class, stable code and whatever that class carries. */
export interface ErrorView {
  name: string;
  code: string;
  message: string;
  feature?: string;
  field?: string;
  input?: string;
  provider?: string;
  statusCode?: number;
  providerCode?: string;
  retryable?: boolean;
  kind?: string;
  response?: unknown;
}

/** Reads the fields each AnymailError subclass carries; anything else is reported as-is. */
export function describeError(error: unknown): ErrorView {
  if (!isAnymailError(error)) {
    const plain = error instanceof Error ? error : new Error(String(error));
    // The emulator's own errors carry a code too (e.g. invalid_input from receive()).
    const code = (plain as { code?: unknown }).code;
    return {
      name: plain.name,
      code: typeof code === "string" ? code : "unexpected",
      message: plain.message,
    };
  }
  const view: ErrorView = { name: error.name, code: error.code, message: error.message };
  const carried = error as unknown as Record<string, unknown>;
  for (const key of [
    "feature",
    "field",
    "input",
    "provider",
    "statusCode",
    "providerCode",
    "retryable",
    "kind",
    "response",
  ] as const) {
    if (carried[key] !== undefined)
      (view as unknown as Record<string, unknown>)[key] = carried[key];
  }
  return view;
}

/** `SendResult` with its Set turned into an array so it survives JSON. */
export function describeResult(result: SendResult) {
  return {
    provider: result.provider,
    messageId: result.messageId,
    status: [...result.status],
    recipients: result.recipients,
    espResponse: result.espResponse,
  };
}

/** A tracking event for the live stream; `espEvent` is kept whole for the expandable view. */
export function describeTrackingEvent(event: TrackingEvent) {
  return { ...event, timestamp: event.timestamp.toISOString() };
}

/** Attachment bytes become base64 (small files) so the page can offer a download. */
export function describeInboundMessage(message: InboundMessage) {
  return {
    ...message,
    date: message.date?.toISOString(),
    raw: message.raw === undefined ? undefined : { size: message.raw.byteLength },
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      contentId: attachment.contentId,
      inline: attachment.inline,
      size: attachment.content.byteLength,
      contentBase64: Buffer.from(attachment.content).toString("base64"),
    })),
  };
}

/** An inbound event for the live stream and the simulator's answer. */
export function describeInboundEvent(event: InboundEvent) {
  return {
    eventType: event.eventType,
    timestamp: event.timestamp.toISOString(),
    eventId: event.eventId,
    message: describeInboundMessage(event.message),
    espEvent: event.espEvent,
  };
}
