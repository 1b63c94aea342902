import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createHmacSha256, timingSafeEqualStrings } from "../src/index.js";

const encoder = new TextEncoder();

describe("createHmacSha256", () => {
  it("matches RFC 4231 test case 2 on both engines, hex and base64", async () => {
    const key = encoder.encode("Jefe");
    const hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    for (const engine of ["auto", "web-crypto"] as const) {
      expect(await createHmacSha256(key, "hex", engine)(["what do ya want ", "for nothing?"])).toBe(
        hex,
      );
      expect(await createHmacSha256(key, "base64", engine)(["what do ya want for nothing?"])).toBe(
        Buffer.from(hex, "hex").toString("base64"),
      );
    }
  });

  it("is synchronous where node:crypto is available, a promise on Web Crypto", () => {
    const key = encoder.encode("k");
    expect(typeof createHmacSha256(key, "hex")(["x"])).toBe("string");
    expect(createHmacSha256(key, "hex", "web-crypto")(["x"])).toBeInstanceOf(Promise);
  });

  it("MACs the concatenation of strings (UTF-8) and raw bytes, on both engines", async () => {
    for (let i = 0; i < 200; i++) {
      const key = Uint8Array.from({ length: 1 + (i % 70) }, (_, j) => (i * 31 + j * 7) & 0xff);
      const bytes = Uint8Array.from({ length: i * 3 }, (_, j) => (i + j * 13) & 0xff);
      const text = `msg_${i}.é😀.${"x".repeat(i % 5)}`;
      const expected = createHmac("sha256", key).update(text).update(bytes).digest("base64");
      for (const engine of ["auto", "web-crypto"] as const) {
        expect(await createHmacSha256(key, "base64", engine)([text, bytes])).toBe(expected);
      }
    }
  });

  it("keeps its own copy of the key", async () => {
    const key = encoder.encode("secret");
    const mac = createHmacSha256(key, "hex");
    const web = createHmacSha256(key, "hex", "web-crypto");
    const before = [await mac(["x"]), await web(["x"])];
    key.fill(0);
    expect([await mac(["x"]), await web(["x"])]).toEqual(before);
  });
});

describe("timingSafeEqualStrings", () => {
  it("is equality on strings of any length", () => {
    const samples = ["", "a", "b", "ab", "abc", "abd", "v1,xyz=", "v1,xyz", "é", "e"];
    for (const a of samples) {
      for (const b of samples) expect(timingSafeEqualStrings(a, b), `${a}|${b}`).toBe(a === b);
    }
  });
});
