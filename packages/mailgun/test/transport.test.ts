// The HTTP half through @anymail/http: a user-supplied fetch (edge runtimes), redaction of
// the key in debug logs, and how each failure kind is classified for a non-idempotent ESP.
import { type AnymailAPIError, createMailer, type LogRecord } from "@anymail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailgun } from "../src/index.js";
import { type CaptureServer, startCaptureServer } from "./support/capture-server.js";
import { baseMessage, readForm } from "./support/send.js";

const KEY = "0123456789abcdef0123456789abcdef-01234567-89abcdef";
let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

describe("Mailgun over the provider kit", () => {
  it("sends multipart through a fetch it is given, small and streamed bodies alike", async () => {
    const calls: string[] = [];
    const mailer = createMailer({
      provider: mailgun({
        apiKey: KEY,
        apiUrl: server.apiUrl,
        fetch: (url, init) => {
          calls.push(String(url));
          return fetch(url, init);
        },
      }),
      retry: false,
    });
    const big = new Uint8Array(400 * 1024).fill(3);
    await mailer.send(baseMessage);
    const small = await readForm(server.last());
    await mailer.send({ ...baseMessage, attachments: [{ filename: "big.bin", content: big }] });
    const large = await readForm(server.last());
    await mailer.close();
    expect(calls).toHaveLength(2);
    expect(small.field("subject")).toBe("Subject");
    expect(Number(small.request.headers["content-length"])).toBe(small.request.body.byteLength);
    expect(large.request.headers["transfer-encoding"]).toBe("chunked");
    expect(large.files("attachment")[0]!.content.equals(Buffer.from(big))).toBe(true);
  });

  it("never puts the API key in a log record, debug exchanges included", async () => {
    const records: LogRecord[] = [];
    const mailer = createMailer({
      provider: mailgun({ apiKey: KEY, apiUrl: server.apiUrl, debugApiRequests: true }),
      retry: false,
      logger: (record) => records.push(record),
    });
    server.respond({ status: 401, body: `Forbidden: key ${KEY}` });
    const error = (await mailer.send(baseMessage).catch((e: unknown) => e)) as AnymailAPIError;
    await mailer.close();
    const everything = JSON.stringify(records) + error.message + JSON.stringify(error.response);
    expect(
      records.some((r) => r.level === "debug" && String(r.message).includes("API request")),
    ).toBe(true);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(btoa(`api:${KEY}`));
  });

  it("retries a refused connection (never written) but not a reset after writing", async () => {
    const refused = createMailer({
      provider: mailgun({ apiKey: KEY, apiUrl: "http://127.0.0.1:9/v3" }),
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const connect = (await refused.send(baseMessage).catch((e: unknown) => e)) as AnymailAPIError;
    await refused.close();
    expect(connect).toMatchObject({ code: "api_error", kind: "connect", retryable: true });

    const before = server.requests.length;
    server.respond({ destroy: true }, { destroy: true });
    const mailer = createMailer({
      provider: mailgun({ apiKey: KEY, apiUrl: server.apiUrl }),
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const reset = (await mailer.send(baseMessage).catch((e: unknown) => e)) as AnymailAPIError;
    await mailer.close();
    expect(reset).toMatchObject({ code: "api_error", kind: "network", retryable: false });
    expect(reset.message).toContain("not retried");
    expect(server.requests.length - before).toBe(1); // one attempt only
  });
});
