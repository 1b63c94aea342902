/** Why a request body could not be read in full. */
export type BodyReadFailure = "too_large" | "timeout" | "aborted";

/** The body bytes, or why reading stopped. */
export type BodyReadResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; reason: BodyReadFailure };

/**
 * Reads a request body while counting: as soon as it passes `maxBytes` reading stops and
 * the stream is cancelled, so an oversized upload is never buffered whole.
 */
export async function readBodyWithLimit(
  request: Request,
  maxBytes: number,
  timeoutMs: number | undefined,
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut =
    timeoutMs === undefined
      ? undefined
      : new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), timeoutMs);
        });

  try {
    for (;;) {
      const next = reader.read();
      const step = timedOut === undefined ? await next : await Promise.race([next, timedOut]);
      if (step === "timeout") {
        await reader.cancel().catch(() => {});
        return { ok: false, reason: "timeout" };
      }
      if (step.done) break;
      total += step.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, reason: "too_large" };
      }
      chunks.push(step.value);
    }
  } catch {
    return { ok: false, reason: "aborted" };
  } finally {
    clearTimeout(timer);
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after cancel(); the stream is already closed.
    }
  }

  if (chunks.length === 1) return { ok: true, body: chunks[0]! };
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}
