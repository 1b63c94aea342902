import type { Emulator } from "../../emulator.js";
import { EmulatorError } from "../../errors.js";
import type { InboundAttachmentInput, InboundFieldsInput, ReceivedEmail } from "../../types.js";
import { json, type RouteResponse } from "../http/io.js";
import { maskSecrets } from "./mask.js";

/** Inbound emails without their bytes, for JSON. */
function receivedSummary(email: ReceivedEmail) {
  const { raw, attachments, ...rest } = email;
  return {
    ...rest,
    rawSize: raw.byteLength,
    attachments: attachments.map(({ content, ...meta }) => meta),
  };
}

const notFound = (message: string) => json(404, { error: message });

/**
 * The emulator's own JSON routes under `/_emulator/`, kept apart from the ESP's API. They are
 * unauthenticated so a local page can poll them (the server only lets loopback callers in),
 * and every answer goes through `maskSecrets`: API keys, webhook secrets and URL user-info
 * never leave the process in clear.
 */
export async function handleInspection(
  emu: Emulator,
  method: string,
  route: string,
  body: unknown,
): Promise<RouteResponse> {
  const response = await answer(emu, method, route, body);
  if (response.status >= 400) return response;
  const patterns = emu.personality.secretPatterns ?? [];
  return json(response.status, maskSecrets(JSON.parse(response.body as string), patterns));
}

async function answer(
  emu: Emulator,
  method: string,
  route: string,
  body: unknown,
): Promise<RouteResponse> {
  const key = `${method} ${route}`;
  switch (key) {
    case "GET /_emulator":
    case "GET /_emulator/":
      return json(200, {
        provider: emu.provider,
        routes: [
          "GET /_emulator/emails",
          "GET /_emulator/events",
          "GET /_emulator/deliveries",
          "GET /_emulator/received",
          "GET /_emulator/webhooks",
          "POST /_emulator/reset",
          "POST /_emulator/receive",
          "POST /_emulator/emit",
        ],
      });
    case "GET /_emulator/emails":
      return json(200, emu.emails);
    case "GET /_emulator/events":
      return json(200, emu.events);
    case "GET /_emulator/deliveries":
      return json(200, emu.deliveries);
    case "GET /_emulator/received":
      return json(200, emu.received.map(receivedSummary));
    case "GET /_emulator/webhooks":
      return json(200, emu.webhooks);
    case "POST /_emulator/reset":
      emu.reset();
      return json(200, { reset: true });
    case "POST /_emulator/receive":
      return tryInput(async () => receivedSummary(await emu.receive(receiveInput(body))));
    case "POST /_emulator/emit": {
      const { emailId, type, data } = (body ?? {}) as {
        emailId?: unknown;
        type?: unknown;
        data?: unknown;
      };
      return tryInput(() =>
        emu.emit(
          String(emailId),
          String(type),
          typeof data === "object" && data !== null ? (data as Record<string, unknown>) : undefined,
        ),
      );
    }
    default:
      return notFound(`Unknown emulator route ${key}`);
  }
}

async function tryInput(run: () => Promise<unknown>): Promise<RouteResponse> {
  try {
    return json(200, await run());
  } catch (error) {
    if (error instanceof EmulatorError) {
      return json(error.code === "not_found" ? 404 : 400, {
        error: error.message,
        code: error.code,
      });
    }
    throw error;
  }
}

/** Over HTTP, attachment bytes arrive as `contentBase64` (or UTF-8 text as `content`). */
function receiveInput(body: unknown): InboundFieldsInput | { raw: string } {
  if (typeof body !== "object" || body === null) {
    throw new EmulatorError("invalid_input", "POST /_emulator/receive needs a JSON object.");
  }
  const input = body as Record<string, unknown>;
  if (typeof input.raw === "string") return { raw: input.raw };
  const attachments = Array.isArray(input.attachments)
    ? input.attachments.map(
        (item: Record<string, unknown>): InboundAttachmentInput => ({
          filename: item.filename as string,
          content:
            typeof item.contentBase64 === "string"
              ? Buffer.from(item.contentBase64, "base64")
              : (item.content as string),
          ...(typeof item.contentType === "string" ? { contentType: item.contentType } : {}),
          ...(typeof item.contentId === "string" ? { contentId: item.contentId } : {}),
        }),
      )
    : undefined;
  return { ...(input as unknown as InboundFieldsInput), ...(attachments ? { attachments } : {}) };
}
