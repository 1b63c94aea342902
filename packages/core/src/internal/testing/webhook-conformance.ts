import { describe, expect, it } from "vitest";
import { isAnymailError } from "../../errors.js";
import type { InboundEvent, TrackingEvent } from "../../events.js";
import type { Logger } from "../../provider.js";
import type {
  ParsedWebhook,
  RawWebhookRequest,
  WebhookKind,
  WebhookProvider,
} from "../../webhook-provider.js";
import { TRACKING_EVENT_TYPES } from "./event-types.js";

/**
 * A delivery exactly as the ESP sends it, and the events it must become.
 *
 * @example
 * ```ts
 * const delivered: WebhookFixture = {
 *   title: "a delivered event",
 *   kind: "tracking",
 *   body: JSON.stringify({ type: "email.delivered", data: { email_id: "e1", to: ["a@example.org"] } }),
 *   expect: [{ eventType: "delivered", messageId: "e1", recipient: "a@example.org" }],
 * };
 * ```
 */
export interface WebhookFixture {
  title: string;
  kind: WebhookKind;
  body: string | Uint8Array;
  /** Headers sent besides the signature ones (e.g. a form content type). */
  headers?: Record<string, string>;
  /** The events `parse` must return, in order; each is matched as a subset. */
  expect: readonly (Partial<TrackingEvent> | Partial<InboundEvent>)[];
}

/**
 * A request the suite sends as-is: a forgery (must be refused as unauthentic) or a
 * signed but malformed payload (must be refused as invalid).
 *
 * @example
 * ```ts
 * const stale: WebhookRequestCase = {
 *   title: "a signature from ten minutes ago",
 *   kind: "tracking",
 *   request: async () => ({ body, headers: await signAt(body, tenMinutesAgo) }),
 * };
 * ```
 */
export interface WebhookRequestCase {
  title: string;
  kind: WebhookKind;
  request(url: string):
    | { body: string | Uint8Array; headers: Record<string, string> }
    | Promise<{
        body: string | Uint8Array;
        headers: Record<string, string>;
      }>;
}

/**
 * A delivery signed inside its payload: the body as the ESP sends it, signature included,
 * and its headers. What `sign` returns for such an ESP (Mailgun).
 *
 * @example
 * ```ts
 * const sign = (kind: WebhookKind, body: string): SignedDelivery => ({
 *   body: JSON.stringify({ ...JSON.parse(body), signature: signatureBlock(key) }),
 *   headers: { "content-type": "application/json" },
 * });
 * ```
 */
export interface SignedDelivery {
  body: string | Uint8Array;
  headers: Record<string, string>;
}

/**
 * The webhook endpoint the HTTP half of the suite drives: pass `createWebhookHandler`
 * from `@anymail/webhooks` (core cannot depend on it).
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from "@anymail/webhooks";
 * const createHandler: ConformanceHandlerFactory = createWebhookHandler;
 * ```
 */
export type ConformanceHandlerFactory = (options: {
  providers: readonly WebhookProvider[];
  basicAuth?: string | readonly string[];
  onTracking: (event: TrackingEvent) => void | Promise<void>;
  onInbound: (event: InboundEvent) => void | Promise<void>;
  logger: Logger;
}) => { handle(request: Request): Promise<Response> };

/**
 * Options of {@link describeWebhookConformance}.
 *
 * @example
 * ```ts
 * const options: WebhookConformanceOptions = {
 *   name: "Example",
 *   createProvider: () => exampleWebhooks({ signingKey }),
 *   sign: (kind, body) => signLikeExample(signingKey, body),
 *   fixtures: [delivered],
 *   createHandler: createWebhookHandler,
 * };
 * ```
 */
export interface WebhookConformanceOptions {
  name: string;
  createProvider(): WebhookProvider | Promise<WebhookProvider>;
  /**
   * The headers the ESP sends with `body` to `url`, signed as it signs (for an unsigned
   * provider: only what it sends, e.g. the content type). An ESP that signs inside the
   * payload (Mailgun's `signature` block) returns `{ body, headers }`: the body with its
   * signature added. Each call is a new delivery: sending the same result twice is a
   * redelivery.
   */
  sign(
    kind: WebhookKind,
    body: string | Uint8Array,
    url: string,
  ): Record<string, string> | SignedDelivery | Promise<Record<string, string> | SignedDelivery>;
  /** At least one per kind the provider serves. */
  fixtures: readonly WebhookFixture[];
  /** Requests the ESP never signed (wrong key, stale timestamp...); each must be refused (401). */
  forgeries?: readonly WebhookRequestCase[];
  /** Authentic requests with a body the provider must refuse as malformed (400). */
  malformed?: readonly WebhookRequestCase[];
  /** Bodies that are not valid for any kind, signed by `sign`. Default: a few broken JSON bodies. */
  malformedBodies?: readonly (string | Uint8Array)[];
  /**
   * Whether redeliveries carry a stable delivery id. Default true; an ESP without one
   * (the suite then checks that `verify` reports none) gets each redelivery handled again.
   */
  deliveryIds?: boolean;
  /**
   * Whether the signature covers the body, so any changed byte is refused. Default true;
   * false for an ESP that signs only a token and timestamp (Mailgun).
   */
  signatureCoversBody?: boolean;
  /** Runs the HTTP half (status codes, handler calls) through a real handler. */
  createHandler?: ConformanceHandlerFactory;
}

const DEFAULT_MALFORMED: readonly string[] = ["{", "null", '"text"', "\u0000\u0001\u0002"];
const BASIC_AUTH = "conformance:webhook-secret";
const BASIC_HEADER = `Basic ${btoa(BASIC_AUTH)}`;

const bytesOf = (body: string | Uint8Array) =>
  typeof body === "string" ? new TextEncoder().encode(body) : body;

function urlFor(name: string, kind: WebhookKind): string {
  return `https://app.example/anymail/${name}/${kind}`;
}

function rawRequest(
  kind: WebhookKind,
  name: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
): RawWebhookRequest {
  return {
    method: "POST",
    url: urlFor(name, kind),
    headers: new Headers(headers),
    body: bytesOf(body),
  };
}

/** A copy of `body` with one byte changed, so a signature over it no longer holds. */
function tampered(body: string | Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytesOf(body));
  const at = Math.floor(copy.byteLength / 2);
  copy[at] = copy[at] === 0x20 ? 0x09 : 0x20;
  return copy;
}

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    return isAnymailError(error)
      ? (error as { code: string }).code
      : `non-anymail ${String(error)}`;
  }
  return "no error";
}

/** The shape every normalized event must have, whatever the ESP. */
function checkEventShape(kind: WebhookKind, event: TrackingEvent | InboundEvent): void {
  expect(event.timestamp).toBeInstanceOf(Date);
  expect(Number.isNaN(event.timestamp.getTime())).toBe(false);
  expect(event).toHaveProperty("espEvent");
  if (kind === "inbound") {
    const inbound = event as InboundEvent;
    expect(inbound.eventType).toBe("inbound");
    expect(typeof inbound.message.from).toBe("string");
    expect(Array.isArray(inbound.message.to)).toBe(true);
    expect(Array.isArray(inbound.message.cc)).toBe(true);
    expect(typeof inbound.message.subject).toBe("string");
    expect(Array.isArray(inbound.message.headers)).toBe(true);
    for (const file of inbound.message.attachments) {
      expect(file.content).toBeInstanceOf(Uint8Array);
      expect(typeof file.contentType).toBe("string");
    }
  } else {
    const tracking = event as TrackingEvent;
    expect(TRACKING_EVENT_TYPES.has(tracking.eventType)).toBe(true);
    expect(Array.isArray(tracking.tags)).toBe(true);
    expect(typeof tracking.metadata).toBe("object");
    expect(tracking.metadata).not.toBeNull();
  }
}

/**
 * The webhook half of the provider contract, as vitest tests. Provider level: every
 * fixture verifies and parses into the expected events; forgeries, tampered bodies and
 * garbage headers are refused with `webhook_validation_failure`; malformed bodies with
 * `invalid_webhook_payload` (never another error); redeliveries keep their delivery id;
 * no payload pollutes `Object.prototype`. With `createHandler`, the same through a real
 * endpoint: 200 and the handler called with the events, 401 for a forgery or missing basic
 * auth, 400 for a malformed body, a redelivery handled once.
 *
 * @example
 * ```ts
 * import { describeWebhookConformance } from "@anymail/core/conformance";
 * import { createWebhookHandler } from "@anymail/webhooks";
 *
 * describeWebhookConformance({
 *   name: "Example",
 *   createProvider: () => exampleWebhooks({ signingKey: "k" }),
 *   sign: (kind, body) => signLikeExample("k", body),
 *   fixtures: [delivered, inboundMail],
 *   forgeries: [staleSignature],
 *   createHandler: createWebhookHandler,
 * });
 * ```
 */
export function describeWebhookConformance(options: WebhookConformanceOptions): void {
  const deliveryIds = options.deliveryIds ?? true;
  const malformedBodies = options.malformedBodies ?? DEFAULT_MALFORMED;
  const coversBody = options.signatureCoversBody ?? true;
  /** `sign`'s result as a body and headers, whether it signed the headers or the body. */
  const signDelivery = async (
    kind: WebhookKind,
    body: string | Uint8Array,
    url: string,
    extra?: Record<string, string>,
  ): Promise<SignedDelivery & { inBody: boolean }> => {
    const signed = await options.sign(kind, body, url);
    const inBody = typeof (signed as SignedDelivery).headers === "object" && "body" in signed;
    return inBody
      ? {
          ...(signed as SignedDelivery),
          headers: { ...(signed as SignedDelivery).headers, ...extra },
          inBody,
        }
      : { body, headers: { ...(signed as Record<string, string>), ...extra }, inBody };
  };

  describe(`${options.name}: webhook provider conformance`, () => {
    it("declares a lower-case URL name and the kinds it serves", async () => {
      const provider = await options.createProvider();
      expect(provider.name).toMatch(/^[a-z0-9_][a-z0-9_-]*$/);
      expect(provider.kinds.length).toBeGreaterThan(0);
      for (const kind of provider.kinds) expect(["tracking", "inbound"]).toContain(kind);
      for (const kind of provider.kinds) expect(typeof provider.isSigned(kind)).toBe("boolean");
    });

    it("has a fixture for every kind it serves", async () => {
      const provider = await options.createProvider();
      for (const kind of provider.kinds) {
        expect(options.fixtures.some((fixture) => fixture.kind === kind)).toBe(true);
      }
    });

    for (const fixture of options.fixtures) {
      it(`verifies and parses ${fixture.title}`, async () => {
        const provider = await options.createProvider();
        const url = urlFor(provider.name, fixture.kind);
        const { body, headers } = await signDelivery(
          fixture.kind,
          fixture.body,
          url,
          fixture.headers,
        );
        const request = rawRequest(fixture.kind, provider.name, body, headers);
        const verified = await provider.verify(fixture.kind, request);
        const parsed: ParsedWebhook = await provider.parse(fixture.kind, request, verified);
        expect(parsed.kind).toBe(fixture.kind);
        expect(parsed.events).toHaveLength(fixture.expect.length);
        parsed.events.forEach((event, index) => {
          checkEventShape(fixture.kind, event);
          expect(event).toMatchObject(fixture.expect[index]!);
        });
      });
    }

    it("keeps one delivery id across a redelivery of the same request", async () => {
      const provider = await options.createProvider();
      const fixture = options.fixtures[0]!;
      const url = urlFor(provider.name, fixture.kind);
      const { body, headers } = await signDelivery(
        fixture.kind,
        fixture.body,
        url,
        fixture.headers,
      );
      const first = await provider.verify(
        fixture.kind,
        rawRequest(fixture.kind, provider.name, body, headers),
      );
      const again = await provider.verify(
        fixture.kind,
        rawRequest(fixture.kind, provider.name, body, headers),
      );
      if (deliveryIds) {
        expect(typeof first.deliveryId).toBe("string");
        expect(first.deliveryId).not.toBe("");
        expect(again.deliveryId).toBe(first.deliveryId);
      } else {
        // Declared without delivery ids: the handler must not pretend to de-duplicate.
        expect(first.deliveryId).toBeUndefined();
      }
    });

    it("refuses a tampered body, missing and garbage auth headers with webhook_validation_failure", async () => {
      const provider = await options.createProvider();
      for (const fixture of options.fixtures) {
        if (!provider.isSigned(fixture.kind)) continue;
        const url = urlFor(provider.name, fixture.kind);
        const delivery = await signDelivery(fixture.kind, fixture.body, url, fixture.headers);
        const signed = delivery.headers;
        if (coversBody) {
          const changed = tampered(delivery.body);
          expect(
            await codeOf(() =>
              provider.verify(
                fixture.kind,
                rawRequest(fixture.kind, provider.name, changed, signed),
              ),
            ),
          ).toBe("webhook_validation_failure");
        }
        // Unsigned: the fixture's own body (a payload-signing ESP's signature is added by sign).
        const bare = { "content-type": signed["content-type"] ?? "application/json" };
        expect(
          await codeOf(() =>
            provider.verify(
              fixture.kind,
              rawRequest(fixture.kind, provider.name, fixture.body, bare),
            ),
          ),
        ).toBe("webhook_validation_failure");
        // The signature is in the payload, not in any header: no header to garble.
        if (delivery.inBody) continue;
        // Every signature-looking header replaced with junk, as an attacker would.
        const garbage: Record<string, string> = {};
        for (const [name, value] of Object.entries(signed)) {
          garbage[name] =
            name.toLowerCase() === "content-type"
              ? value
              : `x${"\u00ff".repeat(3)}=${"A".repeat(4096)}`;
        }
        expect(
          await codeOf(() =>
            provider.verify(
              fixture.kind,
              rawRequest(fixture.kind, provider.name, fixture.body, garbage),
            ),
          ),
        ).toBe("webhook_validation_failure");
      }
    });

    it("reports whether each kind is signed truthfully (an unsigned kind accepts any bytes)", async () => {
      const provider = await options.createProvider();
      for (const kind of provider.kinds) {
        if (provider.isSigned(kind)) continue;
        // Without a signature, basic auth (checked by the handler) is the only protection.
        const verified = await provider.verify(kind, rawRequest(kind, provider.name, "{}", {}));
        expect(typeof verified).toBe("object");
      }
    });

    for (const forgery of options.forgeries ?? []) {
      it(`refuses ${forgery.title} with webhook_validation_failure`, async () => {
        const provider = await options.createProvider();
        const { body, headers } = await forgery.request(urlFor(provider.name, forgery.kind));
        const request = rawRequest(forgery.kind, provider.name, body, headers);
        expect(await codeOf(() => provider.verify(forgery.kind, request))).toBe(
          "webhook_validation_failure",
        );
      });
    }

    it("refuses malformed bodies with invalid_webhook_payload, never another error", async () => {
      const provider = await options.createProvider();
      for (const kind of provider.kinds) {
        for (const body of malformedBodies) {
          const url = urlFor(provider.name, kind);
          const delivery = await signDelivery(kind, body, url);
          const request = rawRequest(kind, provider.name, delivery.body, delivery.headers);
          const code = await codeOf(async () =>
            provider.parse(kind, request, await provider.verify(kind, request)),
          );
          expect(code, `${kind} body ${JSON.stringify(String(body).slice(0, 40))}`).toBe(
            "invalid_webhook_payload",
          );
        }
      }
    });

    for (const bad of options.malformed ?? []) {
      it(`refuses ${bad.title} with invalid_webhook_payload`, async () => {
        const provider = await options.createProvider();
        const { body, headers } = await bad.request(urlFor(provider.name, bad.kind));
        const request = rawRequest(bad.kind, provider.name, body, headers);
        const code = await codeOf(async () =>
          provider.parse(bad.kind, request, await provider.verify(bad.kind, request)),
        );
        expect(code).toBe("invalid_webhook_payload");
      });
    }

    it("a hostile payload neither pollutes Object.prototype nor escapes as a non-anymail error", async () => {
      const provider = await options.createProvider();
      const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
      const hostile = [
        '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
        deep,
      ];
      for (const kind of provider.kinds) {
        for (const body of hostile) {
          const url = urlFor(provider.name, kind);
          const delivery = await signDelivery(kind, body, url);
          const request = rawRequest(kind, provider.name, delivery.body, delivery.headers);
          const code = await codeOf(async () =>
            provider.parse(kind, request, await provider.verify(kind, request)),
          );
          // Either refused as malformed or parsed into events: never a TypeError or RangeError.
          expect(["invalid_webhook_payload", "no error"]).toContain(code);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }
      }
    });

    const createHandler = options.createHandler;
    if (createHandler === undefined) return;
    const handlerFactory: ConformanceHandlerFactory = createHandler;

    describe("through a real webhook handler", () => {
      async function endpoint() {
        const provider = await options.createProvider();
        const received: (TrackingEvent | InboundEvent)[] = [];
        const handler = handlerFactory({
          providers: [provider],
          // Unsigned providers must be protected by basic auth; signed ones accept it too.
          basicAuth: BASIC_AUTH,
          onTracking: (event) => {
            received.push(event);
          },
          onInbound: (event) => {
            received.push(event);
          },
          logger: () => {},
        });
        const post = (
          kind: WebhookKind,
          body: string | Uint8Array,
          headers: Record<string, string>,
          auth = true,
        ) =>
          handler.handle(
            new Request(urlFor(provider.name, kind), {
              method: "POST",
              body: bytesOf(body) as Uint8Array<ArrayBuffer>,
              headers: auth ? { ...headers, authorization: BASIC_HEADER } : headers,
            }),
          );
        return { provider, received, post };
      }

      for (const fixture of options.fixtures) {
        it(`answers 200 to ${fixture.title} and hands on its events`, async () => {
          const { provider, received, post } = await endpoint();
          const { body, headers } = await signDelivery(
            fixture.kind,
            fixture.body,
            urlFor(provider.name, fixture.kind),
            fixture.headers,
          );
          const response = await post(fixture.kind, body, headers);
          expect(response.status).toBe(200);
          expect(received).toHaveLength(fixture.expect.length);
          received.forEach((event, index) => {
            expect(event).toMatchObject(fixture.expect[index]!);
          });
        });
      }

      it(
        deliveryIds
          ? "handles a redelivery once (200 both times)"
          : "handles each redelivery (no delivery id to de-duplicate on)",
        async () => {
          const { provider, received, post } = await endpoint();
          const fixture = options.fixtures[0]!;
          const { body, headers } = await signDelivery(
            fixture.kind,
            fixture.body,
            urlFor(provider.name, fixture.kind),
            fixture.headers,
          );
          expect((await post(fixture.kind, body, headers)).status).toBe(200);
          expect((await post(fixture.kind, body, headers)).status).toBe(200);
          expect(received).toHaveLength(fixture.expect.length * (deliveryIds ? 1 : 2));
        },
      );

      it("answers 401 without basic auth, and to a tampered or forged delivery; no handler runs", async () => {
        const { provider, received, post } = await endpoint();
        for (const fixture of options.fixtures) {
          const url = urlFor(provider.name, fixture.kind);
          const { body, headers } = await signDelivery(
            fixture.kind,
            fixture.body,
            url,
            fixture.headers,
          );
          expect((await post(fixture.kind, body, headers, false)).status).toBe(401);
          if (coversBody && provider.isSigned(fixture.kind)) {
            expect((await post(fixture.kind, tampered(body), headers)).status).toBe(401);
          }
        }
        for (const forgery of options.forgeries ?? []) {
          const { body, headers } = await forgery.request(urlFor(provider.name, forgery.kind));
          expect((await post(forgery.kind, body, headers)).status, forgery.title).toBe(401);
        }
        expect(received).toHaveLength(0);
      });

      it("answers 400 to a malformed body; no handler runs", async () => {
        const { provider, received, post } = await endpoint();
        for (const kind of provider.kinds) {
          for (const body of malformedBodies) {
            const delivery = await signDelivery(kind, body, urlFor(provider.name, kind));
            expect((await post(kind, delivery.body, delivery.headers)).status).toBe(400);
          }
        }
        for (const bad of options.malformed ?? []) {
          const { body, headers } = await bad.request(urlFor(provider.name, bad.kind));
          expect((await post(bad.kind, body, headers)).status, bad.title).toBe(400);
        }
        expect(received).toHaveLength(0);
      });
    });
  });
}
