import type { IncomingMessage } from "node:http";
import { type BodyReadResult, type BodySource, joinChunks } from "../body-source.js";
import type { Deadlines } from "../deadlines.js";

const EMPTY = new Uint8Array(0);

function tooLargeByHeader(request: IncomingMessage, maxBytes: number): boolean {
  const declared = request.headers["content-length"];
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBytes;
}

function asBytes(chunk: Buffer): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Node's parser has already pushed the whole body into the stream's buffer (`complete`):
 * take it synchronously, with no listener, promise or timer.
 */
function readBuffered(request: IncomingMessage, maxBytes: number): BodyReadResult {
  if (request.readableLength > maxBytes) return { ok: false, reason: "too_large" };
  const chunk = request.read() as Buffer | null;
  return { ok: true, body: chunk === null ? EMPTY : asBytes(chunk) };
}

/**
 * Reads the rest of the body as it arrives, counting bytes; over the limit or past the
 * timeout it stops listening and leaves the rest unread (the answer then closes the
 * connection instead of draining it).
 */
function readStreaming(
  request: IncomingMessage,
  maxBytes: number,
  deadlines: Deadlines,
): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const finish = (result: BodyReadResult) => {
      cancel();
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("close", onAborted);
      request.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) finish({ ok: false, reason: "too_large" });
      else chunks.push(asBytes(chunk));
    };
    const onEnd = () => finish({ ok: true, body: joinChunks(chunks, total) });
    const onAborted = () => finish({ ok: false, reason: "aborted" });
    const cancel = deadlines.start(() => finish({ ok: false, reason: "timeout" }));
    request.on("data", onData);
    request.once("end", onEnd);
    // An aborted or failed request is destroyed, and every destroy ends in "close"; a
    // "close" before "end" means the body will never complete. (Node emits a request's
    // "error" only to listeners, so none is needed.)
    request.once("close", onAborted);
  });
}

/** The unread body of a Node request as a {@link BodySource}. */
export function nodeBody(request: IncomingMessage): BodySource {
  return {
    read(maxBytes, deadlines) {
      if (tooLargeByHeader(request, maxBytes)) return { ok: false, reason: "too_large" };
      // Something already read the stream to its end: there is nothing left to wait for.
      if (request.readableEnded) return { ok: true, body: EMPTY };
      if (request.readableFlowing) return readStreaming(request, maxBytes, deadlines);
      if (request.complete) return readBuffered(request, maxBytes);
      // Express calls middleware while Node is still parsing the packet that carried the
      // headers; a small body is usually in the same packet, parsed by the next microtask.
      return Promise.resolve().then(() =>
        request.complete && !request.readableFlowing
          ? readBuffered(request, maxBytes)
          : readStreaming(request, maxBytes, deadlines),
      );
    },
    discard() {
      // Nothing to cancel: the body stays unread and the answer closes the connection.
    },
  };
}
