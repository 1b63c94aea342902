import { type BodyReadResult, type BodySource, joinChunks } from "../body-source.js";
import type { Deadlines } from "../deadlines.js";

/**
 * Reads a Web request body while counting: as soon as it passes `maxBytes` reading stops
 * and the stream is cancelled, so an oversized upload is never buffered whole.
 */
export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
  deadlines: Deadlines | undefined,
): Promise<BodyReadResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, reason: "too_large" };
  }
  if (request.body === null) return { ok: true, body: new Uint8Array(0) };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timedOut = false;
  // Cancelling settles a pending read() as done, so one deadline serves the whole read
  // without racing every chunk against a promise.
  const cancelDeadline = deadlines?.start(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  });

  try {
    for (;;) {
      const step = await reader.read();
      if (timedOut) return { ok: false, reason: "timeout" };
      if (step.done) break;
      total += step.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, reason: "too_large" };
      }
      chunks.push(step.value);
    }
  } catch {
    return timedOut ? { ok: false, reason: "timeout" } : { ok: false, reason: "aborted" };
  } finally {
    cancelDeadline?.();
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after cancel(); the stream is already closed.
    }
  }
  return { ok: true, body: joinChunks(chunks, total) };
}

/** The body of a Web `Request` as a {@link BodySource}. */
export function webBody(request: Request): BodySource {
  return {
    read: (maxBytes, deadlines) => readBodyWithLimit(request, maxBytes, deadlines),
    discard: () => request.body?.cancel().catch(() => {}),
  };
}
