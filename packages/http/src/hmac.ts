import { toBase64 } from "./base64.js";
import { joinBytes } from "./internal/join-bytes.js";

/**
 * How {@link createHmacSha256} encodes a MAC.
 *
 * @example
 * ```ts
 * const encoding: MacEncoding = "base64"; // svix / Standard Webhooks; Mailgun uses "hex"
 * ```
 */
export type MacEncoding = "base64" | "hex";

/**
 * Which implementation {@link createHmacSha256} uses: `"auto"` picks `node:crypto` where the
 * runtime has it, `"web-crypto"` always uses `crypto.subtle`.
 *
 * @example
 * ```ts
 * const engine: HmacEngine = "web-crypto"; // e.g. to test the edge-runtime path on Node
 * ```
 */
export type HmacEngine = "auto" | "web-crypto";

/**
 * HMAC-SHA256 under one key, over the concatenation of `parts` (strings are UTF-8 encoded,
 * byte arrays are taken as they are). Synchronous (a string) where the runtime has
 * `node:crypto`, a promise on Web Crypto.
 *
 * @example
 * ```ts
 * const mac: HmacSha256 = createHmacSha256(key, "hex");
 * const signature = await mac(["1700000000", token]);
 * ```
 */
export type HmacSha256 = (parts: readonly (string | Uint8Array)[]) => string | Promise<string>;

interface NodeHmac {
  update(data: string | Uint8Array): NodeHmac;
  digest(encoding: MacEncoding): string;
}
interface NodeCrypto {
  createHmac(algorithm: "sha256", key: Uint8Array): NodeHmac;
}

// Resolved on first use, never imported: edge bundles must not see a `node:` specifier.
let nodeCrypto: NodeCrypto | null | undefined;

function loadNodeCrypto(): NodeCrypto | null {
  if (nodeCrypto === undefined) {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    let found: unknown;
    try {
      found = process?.getBuiltinModule?.("node:crypto");
    } catch {
      found = undefined;
    }
    nodeCrypto =
      typeof (found as Partial<NodeCrypto> | undefined)?.createHmac === "function"
        ? (found as NodeCrypto)
        : null;
  }
  return nodeCrypto;
}

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function encode(mac: ArrayBuffer, encoding: MacEncoding): string {
  const bytes = new Uint8Array(mac);
  if (encoding === "hex") {
    let out = "";
    for (const byte of bytes) out += HEX[byte];
    return out;
  }
  return toBase64(bytes);
}

function concat(parts: readonly (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  return joinBytes(parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part)));
}

/**
 * An HMAC-SHA256 signer for one key, for webhook signature checks. Where the runtime offers
 * `process.getBuiltinModule("node:crypto")` (Node, Bun, Deno) it hashes synchronously with
 * `createHmac`: measured at about a quarter of Web Crypto's CPU per 429-byte webhook on
 * Node 20 (see docs/benchmarks.md). Elsewhere (Workers, browsers) it uses
 * `crypto.subtle` with the key imported once. Pass `engine: "web-crypto"` to force the
 * portable path (tests do, to cover it on Node).
 *
 * @example
 * ```ts
 * const mac = createHmacSha256(new TextEncoder().encode(signingKey), "hex");
 * const expected = await mac([timestamp, token]);
 * ```
 */
export function createHmacSha256(
  key: Uint8Array,
  encoding: MacEncoding,
  engine: HmacEngine = "auto",
): HmacSha256 {
  const node = engine === "auto" ? loadNodeCrypto() : null;
  if (node !== null) {
    const ownKey = key.slice();
    return (parts) => {
      const hmac = node.createHmac("sha256", ownKey);
      for (const part of parts) hmac.update(part);
      return hmac.digest(encoding);
    };
  }
  let cryptoKey: Promise<CryptoKey> | undefined;
  const rawKey = key.slice();
  return async (parts) => {
    cryptoKey ??= crypto.subtle.importKey("raw", rawKey, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    return encode(await crypto.subtle.sign("HMAC", await cryptoKey, concat(parts)), encoding);
  };
}

/**
 * Compares two strings in time that depends only on their lengths, never on where they
 * first differ: for comparing a received signature with the expected one.
 *
 * @example
 * ```ts
 * if (!timingSafeEqualStrings(received, expected)) throw new AnymailWebhookValidationFailure("bad signature");
 * ```
 */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
