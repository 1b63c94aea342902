import { seededRandom } from "@anymail/emulator/testing";
import { describe, expect, it } from "vitest";
import { parseWithFullParser } from "../src/address.js";
import { AnymailInvalidAddress, parseAddress, parseAddressList } from "../src/index.js";
import { matchSimpleMailbox } from "../src/internal/address-fast-path.js";

// Seeded so the corpus is the same on every run.
const random = seededRandom(0x5eed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const repeat = (count: number, make: () => string) => Array.from({ length: count }, make).join("");

// Pieces chosen to sit on both sides of the fast path's edges.
const LOCAL_CHARS = [
  ..."abcxyzABCXYZ0189",
  ..."!#$%&'*+/=?^_`{|}~-",
  ".",
  ".",
  "é",
  " ",
  '"',
  "\\",
];
const DOMAIN_CHARS = [..."abcxyzABCXYZ0189", "-", "-", ".", ".", "_", "ü", "[", " "];
const NAME_WORDS = ["Ana", "bob", "O'Neil", "Dr.", "#1", "X-Y", "Zoë", "a@b", "(c)", "ÉLAN", "x_y"];
const QUOTED_CHARS = [..."abcXYZ019", ..."., :;@<>()[]!#$%&'*+/=?^_`{|}~-", " ", " ", "\\", "é"];

// Most corpus entries draw only from the "clean" part of each pool (the characters the
// fast path may accept, dots and spaces included), so both sides of its edges are covered.
let clean = true;
const CLEAN_LOCAL = LOCAL_CHARS.slice(0, -4);
const CLEAN_DOMAIN = DOMAIN_CHARS.slice(0, -4);
const CLEAN_WORDS = NAME_WORDS.filter((word) => /^[\w'#-]+$/.test(word));
const CLEAN_QUOTED = QUOTED_CHARS.slice(0, -2);

function localPart(): string {
  return repeat(1 + Math.floor(random() * 8), () => pick(clean ? CLEAN_LOCAL : LOCAL_CHARS));
}
function domain(): string {
  return repeat(1 + Math.floor(random() * 12), () => pick(clean ? CLEAN_DOMAIN : DOMAIN_CHARS));
}
function plainName(): string {
  const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
    pick(clean ? CLEAN_WORDS : NAME_WORDS),
  );
  return words.join(pick(clean ? [" ", " ", " ", "  "] : [" ", "  ", "\t"]));
}
function quotedName(): string {
  const pool = clean ? CLEAN_QUOTED : QUOTED_CHARS;
  return `"${repeat(Math.floor(random() * 10), () => pick(pool))}"`;
}
function address(): string {
  clean = random() < 0.75;
  const spec = `${localPart()}@${domain()}`;
  const shape = pick(["bare", "bare", "plain", "plain", "quoted", "quoted", "angle", "tight"]);
  const around = pick(["", "", "", "", " ", "  "]);
  const text =
    shape === "bare"
      ? spec
      : shape === "angle"
        ? `<${spec}>`
        : shape === "tight"
          ? `${plainName()}<${spec}>`
          : `${shape === "plain" ? plainName() : quotedName()} <${spec}>`;
  return pick([text, text, text, `${around}${text}`, `${text}${around}`]);
}

const EDGE_CASES = [
  "a@example.com",
  "A.B+tag@Sub-Domain.Example.COM",
  "first.last@example.com",
  "first..last@example.com",
  ".first@example.com",
  "first.@example.com",
  "x@localhost",
  "x@a-b-c.d1-2.example",
  "x@-leading.example",
  "x@trailing-.example",
  "x@example.com.",
  "x@example..com",
  "x@[127.0.0.1]",
  "x@bücher.example",
  "jösé@example.com",
  "user+mailbox/department=shipping@example.com",
  "!#$%&'*+/=?^_`{|}~-@example.com",
  '"quoted local"@example.com',
  "Ana <ana@example.org>",
  "Ana Maria <ana@example.org>",
  "Ana  Maria <ana@example.org>",
  "Ana <ana@example.org> ",
  " Ana <ana@example.org>",
  "Ana<ana@example.org>",
  "<ana@example.org>",
  "Recipient #1 <to1@example.com>",
  "Dr. Who <who@example.com>",
  '"Dr. Who" <who@example.com>',
  '"Who, Dr." <who@example.com>',
  '"a@b" <c@example.com>',
  '"(not a comment)" <c@example.com>',
  '" spaced " <c@example.com>',
  '"double  space" <c@example.com>',
  '"" <c@example.com>',
  '"esc\\"aped" <c@example.com>',
  "UPPER CASE <UPPER@EXAMPLE.COM>",
  "Zoë <zoe@example.com>",
  "a@example.com, b@example.com",
  "team: a@example.com;",
  "a@example.com (comment)",
  "Ana <ana@example.org",
  "ana@",
  "@example.com",
  "",
  "   ",
  `${"a".repeat(65)}@example.com`,
  `a@${"b".repeat(64)}.example`,
  `a@${"b.".repeat(128)}example`,
];

type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    expect(error).toBeInstanceOf(AnymailInvalidAddress);
    const { name, message } = error as AnymailInvalidAddress;
    return { ok: false, name, message };
  }
}

describe("address fast path", () => {
  const corpus = [...EDGE_CASES, ...Array.from({ length: 20_000 }, address)];

  it("reads every address it accepts exactly as the full parser does", () => {
    let matched = 0;
    for (const input of corpus) {
      const fast = matchSimpleMailbox(input);
      if (fast === undefined) continue;
      matched++;
      const full = outcome(() => parseWithFullParser(input, "to"));
      const viaFast = outcome(() => parseAddressList(input, "to"));
      expect({ input, result: viaFast }).toEqual({ input, result: full });
    }
    // The corpus must exercise the fast path, not only the fallback.
    expect(matched).toBeGreaterThan(4_000);
  });

  it("leaves to the full parser, with identical results, everything it does not accept", () => {
    let fallbacks = 0;
    for (const input of corpus) {
      if (matchSimpleMailbox(input) !== undefined) continue;
      fallbacks++;
      expect({ input, result: outcome(() => parseAddressList(input, "cc")) }).toEqual({
        input,
        result: outcome(() => parseWithFullParser(input, "cc")),
      });
    }
    expect(fallbacks).toBeGreaterThan(2_000);
    // Not a speed check: this walks thousands of inputs through the full parser, seconds on
    // an idle machine and much longer on a loaded one, so it gets a generous limit.
  }, 180_000);

  it.each([
    ["A.B+tag@Sub-Domain.Example.COM", "", "A.B+tag", "Sub-Domain.Example.COM"],
    ["Ana Maria <ana@example.org>", "Ana Maria", "ana", "example.org"],
    ['"Who, Dr." <who@example.com>', "Who, Dr.", "who", "example.com"],
    ["Recipient #1 <to1@x.example>", "Recipient #1", "to1", "x.example"],
  ])("accepts %s", (input, displayName, username, domain) => {
    expect(matchSimpleMailbox(input)).toEqual({ displayName, username, domain });
  });

  it.each([
    "Ana  Maria <ana@example.org>",
    "Ana <ana@example.org> ",
    " a@example.com",
    '" spaced " <c@example.com>',
    '"esc\\"aped" <c@example.com>',
    "Dr. Who <who@example.com>",
    "x@bücher.example",
    "x@example..com",
    "a@example.com, b@example.com",
  ])("hands %j to the full parser", (input) => {
    expect(matchSimpleMailbox(input)).toBeUndefined();
  });

  it("still applies the length limits to fast-path addresses", () => {
    expect(() => parseAddress(`${"a".repeat(65)}@example.com`, "to")).toThrow(/over 64 octets/);
    expect(() => parseAddress(`a@${"b".repeat(64)}.example`, "to")).toThrow(/over 63/);
  });
});

describe("address memo", () => {
  // Only full-parser results are memoized (non-ASCII names take the full parser): the
  // fast path is cheaper to rerun than a long-lived memo entry is to keep.
  it("keeps 10,000 distinct addresses, so a repeated batch hits the memo", () => {
    const inputs = Array.from({ length: 10_000 }, (_, i) => `Mémo ${i} <memo${i}@example.org>`);
    const first = inputs.map((input) => parseAddress(input, "to"));
    const second = inputs.map((input) => parseAddress(input, "to"));
    // Hits return the same frozen entries; a miss would build new objects.
    expect(second.every((address, i) => address === first[i])).toBe(true);
    expect(Object.isFrozen(second[0])).toBe(true);
  });

  it("stays bounded: the oldest entries are evicted one by one", () => {
    const oldest = parseAddress("Öldest <oldest@example.org>", "to");
    expect(parseAddress("Öldest <oldest@example.org>", "to")).toBe(oldest);
    for (let i = 0; i < 20_000; i++) parseAddress(`Évict <evict${i}@example.org>`, "to");
    const again = parseAddress("Öldest <oldest@example.org>", "to");
    expect(again).not.toBe(oldest);
    expect(again).toEqual(oldest);
  });

  it("does not keep fast-path results, which are cheaper to recompute", () => {
    const first = parseAddress("Plain <plain@example.org>", "to");
    const second = parseAddress("Plain <plain@example.org>", "to");
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });
});
