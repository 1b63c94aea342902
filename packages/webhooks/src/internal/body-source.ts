import type { Deadlines } from "./deadlines.js";

/** Why a request body could not be read in full. */
export type BodyReadFailure = "too_large" | "timeout" | "aborted";

/** The body bytes, or why reading stopped. */
export type BodyReadResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; reason: BodyReadFailure };

/**
 * Where the engine gets a request body from: bytes a framework already holds, a Node
 * stream, or a Web `Request`. Reading may finish synchronously, so bytes in memory cost
 * no promise and no timer.
 */
export interface BodySource {
  /** Reads the whole body, stopping as soon as it passes `maxBytes` or its deadline expires. */
  read(maxBytes: number, deadlines: Deadlines): BodyReadResult | Promise<BodyReadResult>;
  /** Gives up on a body that will not be read (e.g. 401) without buffering it. */
  discard(): void | Promise<void>;
}

/** A body already in memory (Fastify's buffer parser, `express.raw()`, `req.rawBody`). */
export function bytesBody(body: Uint8Array): BodySource {
  return {
    read: (maxBytes) =>
      body.byteLength > maxBytes ? { ok: false, reason: "too_large" } : { ok: true, body },
    discard() {},
  };
}

/** One buffer from the chunks read, without a copy when there was only one. */
export function joinChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
