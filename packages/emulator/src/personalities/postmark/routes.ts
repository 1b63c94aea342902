import { json, type RouteResponse } from "../../internal/http/io.js";
import type { RouteContext } from "../personality.js";
import { ERROR, postmarkErrorResponse } from "./api-error.js";
import { type MessageError, type ValidMessage, validateMessage } from "./validate.js";

const MAX_BATCH = 500;
const INACTIVE_TAIL =
  "Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.";

const isError = (value: ValidMessage | MessageError): value is MessageError => "ErrorCode" in value;
const addrSpecs = (valid: ValidMessage) =>
  valid.inactive.map((m) => m.addrSpec.toLowerCase()).join(", ");

/** One message's outcome, as Postmark reports it (HTTP status only matters for `/email`). */
function sendOne(
  ctx: RouteContext,
  message: unknown,
  template: boolean,
  batch: boolean,
): { status: number; body: Record<string, unknown> } {
  const valid = validateMessage(message, template);
  if (isError(valid)) return { status: 422, body: { ...valid } };
  if (valid.deliverable.length === 0) {
    return {
      status: 422,
      body: {
        ErrorCode: ERROR.inactiveRecipient,
        Message: `You tried to send to recipient(s) that have been marked as inactive.\nFound inactive addresses: ${addrSpecs(valid)}.\n${INACTIVE_TAIL}`,
      },
    };
  }
  if (ctx.emu.quota && !ctx.emu.quota.reserve(ctx.apiKey, 1)) {
    return {
      status: 422,
      body: { ErrorCode: 405, Message: "Not allowed to send: you have run out of credits." },
    };
  }
  const email = ctx.emu.accept(valid.fields, {
    request: message as Record<string, unknown>,
    apiKey: ctx.apiKey,
    idempotencyKey: null,
    batch,
    scheduledAt: null,
  });
  return {
    status: 200,
    body: {
      ...(valid.to === undefined ? {} : { To: valid.to }),
      SubmittedAt: new Date(email.createdAt).toISOString(),
      MessageID: email.id,
      ErrorCode: 0,
      Message:
        valid.inactive.length === 0
          ? "OK"
          : `Message OK, but will not deliver to these inactive addresses: ${addrSpecs(valid)}. ${INACTIVE_TAIL}`,
    },
  };
}

function sendBatch(ctx: RouteContext, messages: unknown, template: boolean): RouteResponse {
  if (!Array.isArray(messages)) {
    return postmarkErrorResponse(
      ERROR.invalidJson,
      "Received invalid JSON input: expected a list of messages.",
    );
  }
  if (messages.length === 0)
    return postmarkErrorResponse(ERROR.invalidRequest, "The batch holds no messages.");
  if (messages.length > MAX_BATCH) {
    return postmarkErrorResponse(
      ERROR.invalidRequest,
      `A batch may hold at most ${MAX_BATCH} messages (got ${messages.length}).`,
    );
  }
  // Every message gets its own result, errors included; the call itself succeeds.
  return json(
    200,
    messages.map((message) => sendOne(ctx, message, template, true).body),
  );
}

/** `POST /email` */
export function postEmail(ctx: RouteContext): RouteResponse {
  const { status, body } = sendOne(ctx, ctx.body, false, false);
  return json(status, body);
}

/** `POST /email/withTemplate` */
export function postWithTemplate(ctx: RouteContext): RouteResponse {
  const { status, body } = sendOne(ctx, ctx.body, true, false);
  return json(status, body);
}

/** `POST /email/batch`: a JSON array of messages. */
export const postBatch = (ctx: RouteContext): RouteResponse => sendBatch(ctx, ctx.body, false);

/** `POST /email/batchWithTemplates`: `{ Messages: [...] }`. */
export function postBatchWithTemplates(ctx: RouteContext): RouteResponse {
  const body = ctx.body as { Messages?: unknown } | undefined;
  return sendBatch(ctx, body?.Messages, true);
}
