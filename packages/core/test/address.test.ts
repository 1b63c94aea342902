import { describe, expect, it } from "vitest";
import {
  AnymailInvalidAddress,
  formatAddress,
  parseAddress,
  parseAddressList,
} from "../src/index.js";

function failure(input: string, field = "to"): AnymailInvalidAddress {
  try {
    parseAddressList(input, field);
  } catch (error) {
    expect(error).toBeInstanceOf(AnymailInvalidAddress);
    return error as AnymailInvalidAddress;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe("parseAddressList: good addresses", () => {
  it("quotes a display name with a period", () => {
    const [who] = parseAddressList('"Dr. Who" <who@example.com>', "to");
    expect(who).toEqual({
      displayName: "Dr. Who",
      username: "who",
      domain: "example.com",
      addrSpec: "who@example.com",
      address: '"Dr. Who" <who@example.com>',
      usesEai: false,
    });
  });

  it("leaves a display name with # unquoted", () => {
    expect(parseAddress("Recipient #1 <to1@example.com>", "to").address).toBe(
      "Recipient #1 <to1@example.com>",
    );
  });

  it("IDNA-encodes a non-ASCII domain and keeps the quoted comma name", () => {
    const from = parseAddress('"Odesílatel, z adresy" <from@příklad.example.cz>', "from");
    expect(from.domain).toBe("xn--pklad-zsa96e.example.cz");
    expect(from.addrSpec).toBe("from@xn--pklad-zsa96e.example.cz");
    expect(from.address).toBe('"Odesílatel, z adresy" <from@xn--pklad-zsa96e.example.cz>');
    expect(from.usesEai).toBe(false);
  });

  it("parses a comma-separated list and arrays of lists", () => {
    const list = parseAddressList(["a@example.com, Bob <b@example.org>", "c@example.net"], "cc");
    expect(list.map((a) => a.address)).toEqual([
      "a@example.com",
      "Bob <b@example.org>",
      "c@example.net",
    ]);
  });

  it("an empty array is no addresses", () => {
    expect(parseAddressList([], "bcc")).toEqual([]);
  });

  it("flags a non-ASCII local part as EAI and leaves it as is", () => {
    const a = parseAddress("jösé@example.com", "to");
    expect(a.usesEai).toBe(true);
    expect(a.addrSpec).toBe("jösé@example.com");
  });

  it("re-quotes a local part that is not a dot-atom", () => {
    expect(parseAddress('"john smith"@example.com', "to").addrSpec).toBe(
      '"john smith"@example.com',
    );
  });

  it("escapes backslashes and quotes in a quoted display name", () => {
    expect(formatAddress('Say "hi" \\ bye', "a", "example.com")).toBe(
      '"Say \\"hi\\" \\\\ bye" <a@example.com>',
    );
  });

  it("drops comments and keeps the name", () => {
    expect(parseAddress("Ana (work) <ana@example.com>", "to").address).toBe(
      "Ana <ana@example.com>",
    );
  });
});

describe("parseAddressList: bad addresses", () => {
  it.each([
    ["", "is empty"],
    ["   ", "is empty"],
    ["bob", "missing the @"],
    ["bob@", "missing the domain"],
    ["Bob <bob@>", "missing the domain"],
    ['"Bob <bob@example.com>', "unbalanced quotes"],
    ["Bob <bob@example.com", "unbalanced angle brackets"],
    ["@example.com", "missing the local part"],
  ])("%j is rejected (%s)", (input, reason) => {
    const error = failure(input, "replyTo");
    expect(error.code).toBe("invalid_address");
    expect(error.field).toBe("replyTo");
    expect(error.input).toBe(input);
    expect(error.message).toContain("`replyTo`");
    expect(error.message).toContain(JSON.stringify(input));
    expect(error.message).toContain(reason);
  });

  it("a comma without quotes hints at missing quotes", () => {
    const error = failure("Smith, Bob <bob@example.com>");
    expect(error.message).toContain("(maybe missing quotes around a display-name?)");
  });

  it.each(["a@example.com\r\nBcc: victim@example.org", "a@example.com\n", "Bob\r <b@example.com>"])(
    "CR/LF is rejected: %j",
    (input) => {
      expect(failure(input).message).toContain("line break");
    },
  );

  it("rejects groups", () => {
    expect(failure("team: a@example.com, b@example.com;").message).toContain("group");
  });

  it("parseAddress wants exactly one", () => {
    expect(() => parseAddress("a@example.com, b@example.com", "from")).toThrow(
      /exactly one address, found 2/,
    );
  });

  it("rejects non-string items", () => {
    expect(() => parseAddressList([42 as unknown as string], "to")).toThrow(AnymailInvalidAddress);
  });
});

describe("parseAddressList: hostile input", () => {
  it.each([
    ["10k nested comments", `a@example.org ${"(".repeat(10_000)}`],
    ["a lone surrogate", "Ana \uD800 <ana@example.org>"],
    ["a local part over 64 octets", `${"a".repeat(65)}@example.org`],
    ["a domain label over 63 characters", `a@${"x".repeat(64)}.example`],
    ["a domain over 255 characters", `a@${"abc.".repeat(70)}org`],
  ])("%s is an AnymailInvalidAddress naming the field", (_label, input) => {
    const error = failure(input, "cc");
    expect(error.field).toBe("cc");
    expect(error.message.length).toBeLessThan(400);
  });

  it("accepts the longest legal local part", () => {
    const [address] = parseAddressList(`${"a".repeat(64)}@example.org`, "to");
    expect(address?.username).toHaveLength(64);
  });

  it("returns fresh arrays from the parse cache, with frozen entries", () => {
    const first = parseAddressList("Cäche <cache@example.org>", "to");
    const second = parseAddressList("Cäche <cache@example.org>", "to");
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(Object.isFrozen(second[0])).toBe(true);
  });
});
