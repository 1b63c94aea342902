import { describe, expect, it } from "vitest";
import { AnymailSerializationError, type EmailMessage } from "../src/index.js";
import { combineDefaults } from "../src/internal-unstable.js";

describe("combineDefaults", () => {
  it("concatenates lists, defaults first", () => {
    const combined = combineDefaults(
      {
        to: "default@example.com",
        cc: ["c1@example.com"],
        bcc: "audit@example.com",
        replyTo: "help@example.com",
        tags: ["shop"],
        attachments: [{ filename: "terms.txt", content: "terms" }],
      },
      {
        to: ["a@example.org", "b@example.org"],
        cc: "c2@example.com",
        tags: ["order"],
        attachments: [{ filename: "invoice.txt", content: "invoice" }],
      },
    );
    expect(combined.to).toEqual(["default@example.com", "a@example.org", "b@example.org"]);
    expect(combined.cc).toEqual(["c1@example.com", "c2@example.com"]);
    expect(combined.bcc).toBe("audit@example.com");
    expect(combined.replyTo).toBe("help@example.com");
    expect(combined.tags).toEqual(["shop", "order"]);
    expect(combined.attachments?.map((a) => a.filename)).toEqual(["terms.txt", "invoice.txt"]);
  });

  it("shallow-merges headers, metadata and mergeGlobalData, the message winning", () => {
    const combined = combineDefaults(
      {
        headers: { "X-A": "default", "X-B": "default" },
        metadata: { app: "shop", env: "prod" },
        mergeGlobalData: { brand: { name: "Shop" }, year: 2025 },
      },
      {
        headers: { "X-B": "message" },
        metadata: { env: "staging" },
        mergeGlobalData: { brand: { color: "red" } },
      },
    );
    expect(combined.headers).toEqual({ "X-A": "default", "X-B": "message" });
    expect(combined.metadata).toEqual({ app: "shop", env: "staging" });
    expect(combined.mergeGlobalData).toEqual({ brand: { color: "red" }, year: 2025 });
  });

  it("merges mergeData and mergeMetadata per recipient", () => {
    const combined = combineDefaults(
      {
        mergeData: { "a@example.org": { x: 1, y: 1 }, "b@example.org": { x: 2 } },
        mergeMetadata: { "a@example.org": { m: "d" } },
      },
      {
        mergeData: { "a@example.org": { y: 9 }, "c@example.org": { z: 3 } },
        mergeMetadata: { "a@example.org": { n: "m" } },
      },
    );
    expect(combined.mergeData).toEqual({
      "a@example.org": { x: 1, y: 9 },
      "b@example.org": { x: 2 },
      "c@example.org": { z: 3 },
    });
    expect(combined.mergeMetadata).toEqual({ "a@example.org": { m: "d", n: "m" } });
  });

  it("deep-merges espExtra", () => {
    const combined = combineDefaults(
      { espExtra: { options: { a: 1, nested: { b: 2 } }, list: [1] } },
      { espExtra: { options: { nested: { c: 3 } }, list: [2] } },
    );
    expect(combined.espExtra).toEqual({ options: { a: 1, nested: { b: 2, c: 3 } }, list: [2] });
  });

  it("scalars: the message wins unless undefined; false and empty strings count", () => {
    const defaults: EmailMessage = {
      from: "d@example.com",
      subject: "default",
      trackClicks: true,
      templateId: "t1",
    };
    const combined = combineDefaults(defaults, {
      subject: "",
      trackClicks: false,
      templateId: undefined,
    });
    expect(combined).toMatchObject({
      from: "d@example.com",
      subject: "",
      trackClicks: false,
      templateId: "t1",
    });
  });

  it("never combines mergeHeaders: the message's only", () => {
    expect(
      combineDefaults({ mergeHeaders: { "a@example.org": { "X-A": "1" } } }, {}).mergeHeaders,
    ).toBeUndefined();
    expect(
      combineDefaults(
        { mergeHeaders: { "a@example.org": { "X-A": "1" } } },
        { mergeHeaders: { "b@example.org": { "X-B": "2" } } },
      ).mergeHeaders,
    ).toEqual({ "b@example.org": { "X-B": "2" } });
  });

  it("changes neither input", () => {
    const defaults: EmailMessage = { tags: ["a"], metadata: { a: 1 } };
    const message: EmailMessage = { tags: ["b"], metadata: { b: 2 } };
    const combined = combineDefaults(defaults, message);
    (combined.tags as string[]).push("c");
    expect(defaults).toEqual({ tags: ["a"], metadata: { a: 1 } });
    expect(message).toEqual({ tags: ["b"], metadata: { b: 2 } });
  });

  it("copies arrays that only one side set", () => {
    const message: EmailMessage = { to: ["a@example.org"] };
    const combined = combineDefaults(undefined, message);
    (combined.to as string[]).push("b@example.org");
    expect(message.to).toEqual(["a@example.org"]);
  });

  it.each([
    ["__proto__", '{"__proto__": {"polluted": true}}'],
    ["constructor", '{"constructor": {"prototype": {"polluted": true}}}'],
    ["prototype", '{"prototype": {"polluted": true}}'],
  ])("rejects a %s key while merging without polluting prototypes", (_key, json) => {
    const evil = JSON.parse(json) as Record<string, unknown>;
    expect(() => combineDefaults({ espExtra: { a: 1 } }, { espExtra: evil })).toThrow(
      AnymailSerializationError,
    );
    expect(() =>
      combineDefaults({ metadata: { a: 1 } }, { metadata: evil as EmailMessage["metadata"] }),
    ).toThrow(AnymailSerializationError);
    expect(() =>
      combineDefaults(
        { mergeData: { "a@example.org": { x: 1 } } },
        { mergeData: { "a@example.org": evil } },
      ),
    ).toThrow(AnymailSerializationError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("deep merge does not walk into inherited properties", () => {
    const combined = combineDefaults(
      { espExtra: { a: {} } },
      { espExtra: { a: { toString: { polluted: true } } } },
    );
    expect(combined.espExtra).toEqual({ a: { toString: { polluted: true } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
