import { describe, expect, it } from "vitest";
import { type AnymailErrorCode, isAnymailError } from "../../errors.js";
import { STANDARD_FEATURE_ORDER } from "../../features.js";
import { createMailer } from "../../mailer.js";
import { prepareMessage } from "../../prepare.js";
import type { EmailMessage } from "../../message.js";
import type { Provider, StandardFeature } from "../../provider.js";
import type { SendStatus } from "../../result.js";
import {
  type ConformanceCapture,
  type ConformancePayloadMapping,
  type ConformanceQuirkSample,
  type ConformanceRecipientRefusal,
  type ConformanceTemplateSend,
  describeConformanceExtras,
} from "./conformance-options.js";

/**
 * One provider failure the suite provokes and the error it must become.
 *
 * @example
 * ```ts
 * const quotaUsedUp: ConformanceErrorCase = {
 *   title: "the daily quota used up",
 *   createProvider: () => resend({ apiKey: "re_test", apiUrl: quotaEmulator.url }),
 *   expect: { code: "api_error", retryable: false, providerCode: "daily_quota_exceeded" },
 * };
 * ```
 */
export interface ConformanceErrorCase {
  title: string;
  /** A provider set up to fail, e.g. pointed at an emulator scripted to answer 429. */
  createProvider(): Provider | Promise<Provider>;
  expect: { code: AnymailErrorCode; retryable?: boolean; providerCode?: string };
}

/**
 * Options of {@link describeProviderConformance}.
 *
 * @example
 * ```ts
 * const options: ConformanceOptions = { name: "Example", createProvider: () => example(), validMessage };
 * ```
 */
export interface ConformanceOptions {
  name: string;
  createProvider(): Provider | Promise<Provider>;
  /** A message the provider accepts; the suite adds one field at a time to it. */
  validMessage: EmailMessage;
  errorCases?: readonly ConformanceErrorCase[];
  /**
   * Points the provider at the suite's capture server (`startCaptureServer`), for the checks
   * that look at the request or script the answer: `templateSend`, `recipientRefusals`,
   * `payloadMappings`.
   */
  capture?: ConformanceCapture;
  /** What a template send does with subject, text and html: dropped, or refused. */
  templateSend?: ConformanceTemplateSend;
  /** Messages the ESP would refuse that the provider must refuse first (its quirks). */
  quirkSamples?: readonly ConformanceQuirkSample[];
  /** ESP answers that refuse some recipients, and the statuses they must get. */
  recipientRefusals?: readonly ConformanceRecipientRefusal[];
  /** Message in → request out. */
  payloadMappings?: readonly ConformancePayloadMapping[];
}

const VALID_STATUSES: ReadonlySet<SendStatus> = new Set([
  "sent",
  "queued",
  "invalid",
  "rejected",
  "failed",
  "unknown",
]);

/** A value that sets each standard field, for a message whose first `to` is `recipient`. */
function sampleValue(feature: StandardFeature, recipient: string): Partial<EmailMessage> {
  switch (feature) {
    case "cc":
      return { cc: "conformance-cc@example.com" };
    case "bcc":
      return { bcc: "conformance-bcc@example.com" };
    case "replyTo":
      return { replyTo: "conformance-reply@example.com" };
    case "headers":
      return { headers: { "X-Conformance": "1" } };
    case "attachments":
      return { attachments: [{ filename: "conformance.txt", content: "conformance" }] };
    case "envelopeSender":
      return { envelopeSender: "bounces@example.com" };
    case "metadata":
      return { metadata: { conformance: "yes" } };
    case "sendAt":
      return { sendAt: new Date(Date.now() + 3_600_000) };
    case "tags":
      return { tags: ["conformance"] };
    case "trackClicks":
      return { trackClicks: true };
    case "trackOpens":
      return { trackOpens: true };
    case "templateId":
      return { templateId: "conformance-template" };
    case "mergeData":
      return { mergeData: { [recipient]: { name: "Conformance" } } };
    case "mergeGlobalData":
      return { mergeGlobalData: { product: "Conformance" } };
    case "mergeHeaders":
      return { mergeHeaders: { [recipient]: { "X-Conformance": "1" } } };
    case "mergeMetadata":
      return { mergeMetadata: { [recipient]: { conformance: "yes" } } };
  }
}

/** Wraps a provider so the suite can count `send` calls without touching the original. */
function spyOnSend(provider: Provider): { provider: Provider; calls: () => number } {
  let count = 0;
  const wrapped: Provider = {
    name: provider.name,
    features: provider.features,
    send(message, context) {
      count++;
      return provider.send(message, context);
    },
  };
  if (provider.close) wrapped.close = () => provider.close!();
  return { provider: wrapped, calls: () => count };
}

/**
 * Registers a vitest suite every provider package runs: declared unsupported features
 * throw before any `send` and send best-effort when ignored; a valid send returns a
 * well-formed SendResult; each error case maps to the declared code; `close()` is
 * idempotent.
 *
 * @example
 * ```ts
 * import { describeProviderConformance } from "@anymail/core/conformance";
 *
 * describeProviderConformance({
 *   name: "Example",
 *   createProvider: () => example({ apiKey: "test", apiUrl: emulator.url }),
 *   validMessage: { from: "a@example.com", to: "b@example.org", subject: "Hi", text: "Hello" },
 * });
 * ```
 */
export function describeProviderConformance(options: ConformanceOptions): void {
  const { validMessage } = options;

  describe(`${options.name} provider conformance`, () => {
    it("declares a name and a feature table", async () => {
      const provider = await options.createProvider();
      expect(typeof provider.name).toBe("string");
      expect(provider.name.length).toBeGreaterThan(0);
      expect(Array.isArray(provider.features.unsupported)).toBe(true);
      expect(Array.isArray(provider.features.quirks)).toBe(true);
      await provider.close?.();
    });

    it("sends a valid message and reports every recipient", async () => {
      const provider = await options.createProvider();
      const mailer = createMailer({ provider, retry: false });
      const result = await mailer.send(validMessage);
      expect(result.status).toBeInstanceOf(Set);
      expect(result.status.size).toBeGreaterThan(0);
      for (const status of result.status) expect(VALID_STATUSES.has(status)).toBe(true);
      const expected = allRecipientAddrSpecs(validMessage);
      for (const addrSpec of expected) {
        const recipient = result.recipients[addrSpec];
        expect(recipient, `recipient ${addrSpec}`).toBeDefined();
        expect(VALID_STATUSES.has(recipient!.status)).toBe(true);
        expect(result.status.has(recipient!.status)).toBe(true);
      }
      await mailer.close();
    });

    it("close() can be called twice", async () => {
      const provider = await options.createProvider();
      await provider.close?.();
      await provider.close?.();
      const mailer = createMailer({ provider: await options.createProvider() });
      await mailer.close();
      await mailer.close();
    });

    // The provider is built inside each test: createProvider may depend on beforeAll
    // setup (an emulator's URL) that doesn't exist yet while tests are being collected.
    const firstTo = allRecipientAddrSpecs(validMessage)[0] ?? "to@example.com";
    for (const feature of STANDARD_FEATURE_ORDER) {
      it(`${feature}: declared unsupported throws before any send, else it is sent`, async () => {
        const message = { ...validMessage, ...sampleValue(feature, firstTo) };
        const spy = spyOnSend(await options.createProvider());
        const declared = spy.provider.features.unsupported.includes(feature);
        const quirk = spy.provider.features.quirks.find((q) => q.when(prepareMessage(message)));
        const mailer = createMailer({ provider: spy.provider, retry: false });
        const outcome = await mailer.send(message).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        await mailer.close();
        if (!declared && !quirk) {
          expect(outcome).toHaveProperty("result");
          return;
        }
        expect(outcome).toHaveProperty("error");
        const error = (outcome as { error: unknown }).error;
        expect(isAnymailError(error, "unsupported_feature")).toBe(true);
        if (declared) {
          expect((error as Error).message).toBe(`${spy.provider.name} does not support ${feature}`);
        }
        expect(spy.calls()).toBe(0);
      });

      it(`${feature}: sends best-effort with ignoreUnsupportedFeatures`, async () => {
        const spy = spyOnSend(await options.createProvider());
        const mailer = createMailer({
          provider: spy.provider,
          retry: false,
          ignoreUnsupportedFeatures: true,
        });
        const result = await mailer.send({ ...validMessage, ...sampleValue(feature, firstTo) });
        await mailer.close();
        expect(spy.calls()).toBeGreaterThan(0);
        expect(result.status.size).toBeGreaterThan(0);
      });
    }

    describeConformanceExtras(options);

    for (const errorCase of options.errorCases ?? []) {
      it(`error: ${errorCase.title}`, async () => {
        const mailer = createMailer({ provider: await errorCase.createProvider(), retry: false });
        const error = await mailer.send(validMessage).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(isAnymailError(error), "throws an AnymailError").toBe(true);
        const typed = error as { code: string; retryable?: boolean; providerCode?: string };
        expect(typed.code).toBe(errorCase.expect.code);
        if (errorCase.expect.retryable !== undefined) {
          expect(typed.retryable).toBe(errorCase.expect.retryable);
        }
        if (errorCase.expect.providerCode !== undefined) {
          expect(typed.providerCode).toBe(errorCase.expect.providerCode);
        }
        await mailer.close();
      });
    }
  });
}

function allRecipientAddrSpecs(message: EmailMessage): string[] {
  const prepared = prepareMessage(message);
  return [...prepared.to, ...prepared.cc, ...prepared.bcc].map((address) => address.addrSpec);
}
