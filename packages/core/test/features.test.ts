import { describe, expect, it } from "vitest";
import { AnymailUnsupportedFeature, type FeatureSupport, prepareMessage } from "../src/index.js";
import { checkFeatures } from "../src/internal-unstable.js";

const provider = (features: FeatureSupport) => ({ name: "Fake", features });
const message = prepareMessage({
  from: "a@example.com",
  to: "b@example.org",
  cc: "c@example.org",
  trackOpens: false,
  templateId: "t",
  mergeMetadata: { "b@example.org": { id: 1 } },
  attachments: [{ filename: "a.txt", content: "a" }],
});

describe("checkFeatures", () => {
  it("passes a message the provider fully supports", () => {
    expect(checkFeatures(provider({ unsupported: [], quirks: [] }), message)).toBe(message);
  });

  it("throws for the first unsupported field in anymail's order", () => {
    const check = () =>
      checkFeatures(
        provider({ unsupported: ["templateId", "trackOpens", "cc"], quirks: [] }),
        message,
      );
    expect(check).toThrow(AnymailUnsupportedFeature);
    expect(check).toThrow("Fake does not support cc");
  });

  it("treats false as set and empty lists as unset", () => {
    expect(() =>
      checkFeatures(provider({ unsupported: ["trackOpens"], quirks: [] }), message),
    ).toThrow("Fake does not support trackOpens");
    expect(() =>
      checkFeatures(provider({ unsupported: ["bcc", "replyTo", "sendAt"], quirks: [] }), message),
    ).not.toThrow();
  });

  it("strips unsupported fields when ignoring, recomputing isBatch", () => {
    const stripped = checkFeatures(
      provider({ unsupported: ["cc", "templateId", "mergeMetadata", "attachments"], quirks: [] }),
      message,
      { ignoreUnsupportedFeatures: true },
    );
    expect(stripped.cc).toEqual([]);
    expect(stripped.attachments).toEqual([]);
    expect(stripped.templateId).toBeUndefined();
    expect(stripped.mergeMetadata).toBeUndefined();
    expect(stripped.isBatch).toBe(false);
    expect(stripped.trackOpens).toBe(false);
    expect(message.cc).toHaveLength(1);
  });

  it("checks quirks after fields, in declared order, with describe()", () => {
    const features: FeatureSupport = {
      unsupported: [],
      quirks: [
        { feature: "never", when: () => false },
        {
          feature: "attachments in a batch send",
          when: (m) => m.isBatch && m.attachments.length > 0,
          describe: (m) => `attachments in a batch send (${m.attachments[0]?.filename})`,
        },
        { feature: "second quirk", when: () => true },
      ],
    };
    expect(() => checkFeatures(provider(features), message)).toThrow(
      "Fake does not support attachments in a batch send (a.txt)",
    );
    expect(checkFeatures(provider(features), message, { ignoreUnsupportedFeatures: true })).toBe(
      message,
    );
  });

  it("an unsupported field wins over a quirk", () => {
    const features: FeatureSupport = {
      unsupported: ["mergeMetadata"],
      quirks: [{ feature: "anything", when: () => true }],
    };
    expect(() => checkFeatures(provider(features), message)).toThrow(
      "Fake does not support mergeMetadata",
    );
  });
});
