import { AnymailAPIError } from "../src/index.js";
import { describeProviderConformance } from "../src/conformance.js";
import { createTestProvider } from "../src/testing.js";

const validMessage = {
  from: "Shop <shop@example.com>",
  to: ["ana@example.org", "Bob <bob@example.org>"],
  cc: "carol@example.org",
  subject: "Conformance",
  text: "Hello",
};

describeProviderConformance({
  name: "Test (supports everything)",
  createProvider: () => createTestProvider(),
  validMessage,
  errorCases: [
    {
      title: "429 rate limit is retryable",
      createProvider: () =>
        createTestProvider({
          respond: () => {
            throw new AnymailAPIError("slow down", {
              statusCode: 429,
              providerCode: "rate_limit_exceeded",
              retryable: true,
            });
          },
        }),
      expect: { code: "api_error", retryable: true, providerCode: "rate_limit_exceeded" },
    },
    {
      title: "every recipient rejected",
      createProvider: () =>
        createTestProvider({
          respond: (message) => ({
            status: new Set(["rejected"]),
            recipients: Object.fromEntries(
              [...message.to, ...message.cc].map((a) => [a.addrSpec, { status: "rejected" }]),
            ),
          }),
        }),
      expect: { code: "recipients_refused" },
    },
  ],
});

describeProviderConformance({
  name: "Test (limited)",
  createProvider: () =>
    createTestProvider({
      name: "Limited",
      features: {
        unsupported: [
          "trackOpens",
          "trackClicks",
          "templateId",
          "mergeGlobalData",
          "envelopeSender",
        ],
        quirks: [
          {
            feature: "attachments with sendAt",
            when: (m) => m.attachments.length > 0 && m.sendAt !== undefined,
          },
        ],
      },
    }),
  validMessage,
});
