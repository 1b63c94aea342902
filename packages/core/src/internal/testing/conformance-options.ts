import { afterAll, beforeAll, expect, it } from "vitest";
import { isAnymailError } from "../../errors.js";
import { createMailer } from "../../mailer.js";
import type { EmailMessage } from "../../message.js";
import type { Provider } from "../../provider.js";
import type { SendStatus } from "../../result.js";
import {
  type CapturedRequest,
  type CaptureScript,
  type CaptureServer,
  startCaptureServer,
} from "./capture-server.js";

/**
 * How the suite points a provider at its capture server, to see what the provider sends
 * and to script what the "ESP" answers.
 *
 * @example
 * ```ts
 * const capture: ConformanceCapture = {
 *   createProvider: (server) => example({ apiKey: "test", apiUrl: server.url }),
 *   reply: { status: 200, body: { id: "msg_1" } },
 * };
 * ```
 */
export interface ConformanceCapture {
  /** The provider under test, sending to `server.url`. */
  createProvider(server: CaptureServer): Provider | Promise<Provider>;
  /** The ESP's answer to an accepted request. Default: 200 `{ "id": "captured-<n>" }`. */
  reply?: CaptureScript;
  /** Reads a request body into plain data for comparison (may return a promise). Default: its JSON. */
  decode?(request: CapturedRequest): unknown;
}

/**
 * What the provider does with `subject`, `text` and `html` beside a template: the ESP's
 * template supplies them, so they are either dropped from the request or refused before it.
 *
 * @example
 * ```ts
 * const templateSend: ConformanceTemplateSend = {
 *   message: { templateId: "welcome", mergeGlobalData: { name: "Ana" } },
 *   bodyFields: "refused",
 *   absent: ["Subject", "TextBody", "HtmlBody"],
 * };
 * ```
 */
export interface ConformanceTemplateSend {
  /** Added to `validMessage` (which has a subject and a text): the template and its data. */
  message: Partial<EmailMessage>;
  /**
   * `"dropped"`: the send goes out without them. `"refused"`: `AnymailUnsupportedFeature`
   * before any request, and with `ignoreUnsupportedFeatures` they are dropped.
   */
  bodyFields: "dropped" | "refused";
  /** Request keys (after `capture.decode`) that must be missing from a template send. */
  absent: readonly string[];
}

/**
 * A message the ESP would refuse and the provider must refuse first, with
 * `AnymailUnsupportedFeature("<name> does not support <feature>")` and no request.
 *
 * @example
 * ```ts
 * const twoTags: ConformanceQuirkSample = { title: "two tags", message: { tags: ["a", "b"] }, feature: /^multiple tags/ };
 * ```
 */
export interface ConformanceQuirkSample {
  title: string;
  /** Added to `validMessage`. */
  message: Partial<EmailMessage>;
  /** The feature named in the error: the exact text, or a pattern. */
  feature: string | RegExp;
}

/**
 * The ESP's answer refusing some recipients, and the statuses the result must give them.
 *
 * @example
 * ```ts
 * const inactive: ConformanceRecipientRefusal = {
 *   title: "an inactive recipient",
 *   message: { to: ["ana@example.org", "bob@example.org"] },
 *   reply: { status: 422, body: { ErrorCode: 406, Message: "Found inactive addresses: bob@example.org." } },
 *   expect: { "bob@example.org": "rejected" },
 * };
 * ```
 */
export interface ConformanceRecipientRefusal {
  title: string;
  /** Added to `validMessage`. */
  message?: Partial<EmailMessage>;
  reply: CaptureScript;
  /** Addr-spec → the status it must have; recipients not named must not be refused. */
  expect: Readonly<Record<string, SendStatus>>;
}

/**
 * A message in, and what the request out must hold (checked with `toMatchObject` on the
 * decoded body, so name only the fields that matter).
 *
 * @example
 * ```ts
 * const tags: ConformancePayloadMapping = {
 *   title: "tags become X-Tags",
 *   message: { tags: ["order"] },
 *   expect: { path: "/emails", body: { headers: { "X-Tags": '["order"]' } } },
 * };
 * ```
 */
export interface ConformancePayloadMapping {
  title: string;
  /** Added to `validMessage`. */
  message: Partial<EmailMessage>;
  expect: {
    method?: string;
    /** The request path (without query), or a pattern. */
    path?: string | RegExp;
    body?: unknown;
    /** Keys (after `capture.decode`) that must be missing. */
    absent?: readonly string[];
  };
}

/** The options of the suite that this file checks. */
export interface ConformanceExtras {
  name: string;
  validMessage: EmailMessage;
  createProvider(): Provider | Promise<Provider>;
  capture?: ConformanceCapture;
  templateSend?: ConformanceTemplateSend;
  quirkSamples?: readonly ConformanceQuirkSample[];
  recipientRefusals?: readonly ConformanceRecipientRefusal[];
  payloadMappings?: readonly ConformancePayloadMapping[];
}

/** Counts `send` calls without touching the provider. */
function counted(provider: Provider): { provider: Provider; calls: () => number } {
  let count = 0;
  const wrapped: Provider = {
    ...provider,
    send(message, context) {
      count++;
      return provider.send(message, context);
    },
  };
  // A split send still goes through `send` once per call.
  if (provider.split) wrapped.split = (message) => provider.split!(message);
  if (provider.close) wrapped.close = () => provider.close!();
  return { provider: wrapped, calls: () => count };
}

async function outcome(promise: Promise<unknown>): Promise<{ result?: unknown; error?: unknown }> {
  return promise.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Registers the tests of the optional checks; call inside the suite's `describe`. */
export function describeConformanceExtras(options: ConformanceExtras): void {
  const { capture, validMessage } = options;
  const needsCapture =
    (options.templateSend !== undefined && options.templateSend.absent.length > 0) ||
    (options.recipientRefusals?.length ?? 0) > 0 ||
    (options.payloadMappings?.length ?? 0) > 0;
  let server: CaptureServer | undefined;
  if (capture !== undefined) {
    beforeAll(async () => {
      server = await startCaptureServer(
        capture.reply === undefined ? {} : { reply: capture.reply },
      );
    });
    afterAll(() => server?.close());
  }
  if (needsCapture && capture === undefined) {
    it("options: templateSend, recipientRefusals and payloadMappings need `capture`", () => {
      expect.fail("give `capture: { createProvider: (server) => … }` to check what is sent");
    });
    return;
  }

  /** Sends through a provider pointed at the capture server; returns what it sent. */
  async function throughCapture(
    message: EmailMessage,
    mailerOptions: { ignoreUnsupportedFeatures?: boolean } = {},
    reply?: CaptureScript,
  ) {
    const captured = server!;
    captured.reset();
    if (reply !== undefined) captured.reply(reply);
    const provider = await capture!.createProvider(captured);
    const mailer = createMailer({ provider, retry: false, ...mailerOptions });
    const settled = await outcome(mailer.send(message));
    await mailer.close();
    const decode = capture!.decode ?? ((request: CapturedRequest) => request.json());
    const bodies = await Promise.all(captured.requests.map((request) => decode(request)));
    return { ...settled, requests: [...captured.requests], bodies };
  }

  const template = options.templateSend;
  if (template !== undefined) {
    const message = { ...validMessage, ...template.message };
    if (template.bodyFields === "refused") {
      it("template send: subject, text or html beside a template is refused before any request", async () => {
        const spy = counted(await options.createProvider());
        const mailer = createMailer({ provider: spy.provider, retry: false });
        const { error } = await outcome(mailer.send(message));
        await mailer.close();
        expect(isAnymailError(error, "unsupported_feature"), describeError(error)).toBe(true);
        expect(spy.calls()).toBe(0);
      });
    }
    if (template.absent.length > 0) {
      const lenient = template.bodyFields === "refused";
      it(`template send: the request carries none of ${template.absent.join(", ")}${lenient ? " (ignoreUnsupportedFeatures)" : ""}`, async () => {
        const sent = await throughCapture(message, { ignoreUnsupportedFeatures: lenient });
        expect(sent.error, describeError(sent.error)).toBeUndefined();
        expect(sent.bodies.length).toBeGreaterThan(0);
        for (const body of sent.bodies) {
          for (const key of template.absent) expect(body).not.toHaveProperty([key]);
        }
      });
    }
  }

  for (const sample of options.quirkSamples ?? []) {
    it(`quirk sample: ${sample.title} is refused before any request`, async () => {
      const spy = counted(await options.createProvider());
      const mailer = createMailer({ provider: spy.provider, retry: false });
      const { error } = await outcome(mailer.send({ ...validMessage, ...sample.message }));
      await mailer.close();
      expect(isAnymailError(error, "unsupported_feature"), describeError(error)).toBe(true);
      const prefix = `${spy.provider.name} does not support `;
      const text = (error as Error).message;
      expect(text.startsWith(prefix), text).toBe(true);
      const feature = text.slice(prefix.length);
      if (typeof sample.feature === "string") expect(feature).toBe(sample.feature);
      else expect(feature).toMatch(sample.feature);
      expect(spy.calls()).toBe(0);
    });
  }

  for (const refusal of options.recipientRefusals ?? []) {
    it(`recipient refusal: ${refusal.title} gives those recipients their status`, async () => {
      const message = { ...validMessage, ...refusal.message };
      const sent = await throughCapture(message, {}, refusal.reply);
      // Every recipient refused is the mailer's AnymailRecipientsRefused, with the result.
      const result = (
        isAnymailError(sent.error, "recipients_refused") ? sent.error.result : sent.result
      ) as { recipients: Record<string, { status: SendStatus }> } | undefined;
      expect(result, describeError(sent.error)).toBeDefined();
      for (const [addrSpec, status] of Object.entries(refusal.expect)) {
        expect(result!.recipients[addrSpec]?.status, addrSpec).toBe(status);
      }
      for (const [addrSpec, entry] of Object.entries(result!.recipients)) {
        if (addrSpec in refusal.expect) continue;
        expect(["invalid", "rejected"], `${addrSpec} was not refused`).not.toContain(entry.status);
      }
      if (sent.error !== undefined) {
        expect(isAnymailError(sent.error, "recipients_refused"), describeError(sent.error)).toBe(
          true,
        );
      }
    });
  }

  for (const mapping of options.payloadMappings ?? []) {
    it(`payload mapping: ${mapping.title}`, async () => {
      const sent = await throughCapture({ ...validMessage, ...mapping.message });
      expect(sent.error, describeError(sent.error)).toBeUndefined();
      expect(sent.requests).toHaveLength(1);
      const [request] = sent.requests;
      const [body] = sent.bodies;
      if (mapping.expect.method !== undefined) expect(request!.method).toBe(mapping.expect.method);
      if (mapping.expect.path !== undefined) {
        const path = request!.url.split("?")[0];
        if (typeof mapping.expect.path === "string") expect(path).toBe(mapping.expect.path);
        else expect(path).toMatch(mapping.expect.path);
      }
      if (mapping.expect.body !== undefined)
        expect(body).toMatchObject(mapping.expect.body as object);
      for (const key of mapping.expect.absent ?? []) expect(body).not.toHaveProperty([key]);
    });
  }
}
