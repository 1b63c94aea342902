import { describe, expect, it } from "vitest";
import { portableToBase64 } from "../src/internal/base64-portable.js";
import { encodeBase64 as edgeEncode } from "../src/internal/encode-base64.edge.js";
import { fromBase64, toBase64 } from "../src/index.js";

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe("base64", () => {
  // 0x8000 is the portable encoder's chunk: lengths around it cross a chunk boundary.
  const lengths = [0, 1, 2, 3, 4, 57, 0x8000 - 1, 0x8000, 0x8000 + 1, 3 * 0x8000 + 7];

  it.each(lengths)("Buffer and btoa paths agree with Node for %i bytes", (length) => {
    const bytes = randomBytes(length, length + 1);
    const expected = Buffer.from(bytes).toString("base64");
    expect(toBase64(bytes)).toBe(expected);
    expect(edgeEncode(bytes)).toBe(expected);
    expect(portableToBase64(bytes)).toBe(expected);
    expect(fromBase64(expected)).toEqual(bytes);
  });

  it("encodes only the view, not the whole underlying buffer", () => {
    const whole = new TextEncoder().encode("xxhixx");
    const view = whole.subarray(2, 4);
    expect(toBase64(view)).toBe("aGk=");
    expect(portableToBase64(view)).toBe("aGk=");
  });

  it("decodes with whitespace and missing padding; refuses what isn't base64", () => {
    expect(new TextDecoder().decode(fromBase64("aG\nk"))).toBe("hi");
    expect(fromBase64("not base64!")).toBeUndefined();
    expect(fromBase64("a")).toBeUndefined();
    expect(fromBase64("a===")).toBeUndefined();
    expect(fromBase64("a=")).toBeUndefined();
  });
});
