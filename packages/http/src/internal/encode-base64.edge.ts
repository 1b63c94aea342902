import { portableToBase64 } from "./base64-portable.js";

// workerd has a Buffer only with nodejs_compat; Deno and browsers have none.
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      from(
        buffer: ArrayBufferLike,
        byteOffset: number,
        length: number,
      ): { toString(encoding: "base64"): string };
    };
  }
).Buffer;

/** Buffer where the runtime has one (faster), else the portable encoder. */
export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  }
  return portableToBase64(bytes);
}
