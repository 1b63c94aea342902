import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NodeRequestHeaders } from "../src/internal/node/headers.js";

/** What the adapters built before: a real Headers filled by append. */
function appended(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!raw[i]!.startsWith(":")) headers.append(raw[i]!, raw[i + 1]!);
  }
  return headers;
}

const RAW = [
  "Host",
  "127.0.0.1:3000",
  "Content-Type",
  "application/json",
  "svix-id",
  "msg_1",
  "X-Forwarded-For",
  "10.0.0.1",
  "x-forwarded-for",
  " 10.0.0.2\t",
  "Set-Cookie",
  "a=1",
  "set-cookie",
  "b=2",
  ":path",
  "/h2",
  "X-Nbsp",
  "value\u00a0",
];

describe("NodeRequestHeaders (Headers read lazily from rawHeaders)", () => {
  it("answers get/has like a Headers filled by append: any case, repeats joined, OWS stripped", () => {
    const lazy = new NodeRequestHeaders(RAW);
    const real = appended(RAW);
    for (const name of ["host", "HOST", "content-type", "SVIX-ID", "x-forwarded-for", "x-nbsp"]) {
      expect(lazy.get(name), name).toBe(real.get(name));
      expect(lazy.has(name), name).toBe(true);
    }
    expect(lazy.get("x-forwarded-for")).toBe("10.0.0.1, 10.0.0.2");
    expect(lazy.get("x-nbsp")).toBe("value\u00a0");
    expect(lazy.get("missing")).toBeNull();
    expect(lazy.has("missing")).toBe(false);
    expect(lazy.get("set-cookie")).toBe(real.get("set-cookie"));
  });

  it("refuses invalid names with the same TypeError as Headers (pseudo-headers included)", () => {
    const lazy = new NodeRequestHeaders(RAW);
    for (const name of [":path", "bad name", "", "ü"]) {
      expect(() => appended(RAW).get(name), name).toThrow(TypeError);
      expect(() => lazy.get(name), name).toThrow(TypeError);
    }
  });

  it("iterates, clones and builds a Request with every header, in Headers order", () => {
    const real = appended(RAW);
    expect([...new NodeRequestHeaders(RAW)]).toEqual([...real]);
    expect([...new NodeRequestHeaders(RAW).entries()]).toEqual([...real.entries()]);
    expect([...new NodeRequestHeaders(RAW).keys()]).toEqual([...real.keys()]);
    expect([...new NodeRequestHeaders(RAW).values()]).toEqual([...real.values()]);
    expect(new NodeRequestHeaders(RAW).getSetCookie()).toEqual(["a=1", "b=2"]);
    expect([...new Headers(new NodeRequestHeaders(RAW))]).toEqual([...real]);
    const request = new Request("http://127.0.0.1/x", { headers: new NodeRequestHeaders(RAW) });
    expect([...request.headers]).toEqual([...real]);
    const seen: string[] = [];
    new NodeRequestHeaders(RAW).forEach((value, name) => {
      seen.push(`${name}=${value}`);
    });
    expect(seen).toEqual([...real].map(([name, value]) => `${name}=${value}`));
  });

  it("keeps the raw headers when changed: set, append and delete act on the full list", () => {
    const lazy = new NodeRequestHeaders(RAW);
    lazy.set("content-length", "12");
    lazy.append("svix-id", "msg_2");
    lazy.delete("host");
    const real = appended(RAW);
    real.set("content-length", "12");
    real.append("svix-id", "msg_2");
    real.delete("host");
    expect([...lazy]).toEqual([...real]);
    expect(lazy.get("svix-id")).toBe("msg_1, msg_2");
    expect(lazy.get("host")).toBeNull();
    expect(lazy).toBeInstanceOf(Headers);
  });

  it("matches Headers for any header list a client can send (fast-check)", () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/);
    const value = fc.stringMatching(/^[\x20-\x7e\t]{0,30}$/);
    const list = fc
      .array(fc.tuple(fc.oneof(name, fc.constantFrom("svix-id", "Svix-Id", "SVIX-ID")), value), {
        maxLength: 12,
      })
      .map((pairs) => pairs.flat());
    fc.assert(
      fc.property(list, name, (raw, probe) => {
        const real = appended(raw);
        const lazy = new NodeRequestHeaders(raw);
        for (let i = 0; i < raw.length; i += 2) {
          expect(lazy.get(raw[i]!)).toBe(real.get(raw[i]!));
        }
        expect(lazy.get(probe)).toBe(real.get(probe));
        expect(lazy.has(probe)).toBe(real.has(probe));
        expect([...lazy]).toEqual([...real]);
      }),
      { numRuns: 300 },
    );
  });
});
