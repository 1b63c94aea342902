import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AnymailAPIError, createMailer } from "@anymail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resend } from "../src/index.js";
import { BASE } from "./support/messages.js";

// A real server on 127.0.0.1: timeoutMs is enforced by undici's own timers, so it must be
// exercised over a real socket. Each path stalls a different phase of the exchange.
let server: Server;
let origin: string;
const stalled = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url?.startsWith("/slow-headers/")) {
        stalled.add(res);
        return;
      }
      if (req.url?.startsWith("/slow-body/")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":');
        stalled.add(res);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"id":"fast-1"}');
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  server.close();
});

async function failure(promise: Promise<unknown>): Promise<AnymailAPIError> {
  const outcome = await promise.then(
    () => new Error("expected the send to fail"),
    (error: unknown) => error,
  );
  expect(outcome).toHaveProperty("code", "api_error");
  return outcome as AnymailAPIError;
}

function mailerFor(path: string, timeoutMs: number, deadlineMs = 60_000) {
  const provider = resend({ apiKey: "re_timeouts", apiUrl: `${origin}${path}`, timeoutMs });
  return { provider, mailer: createMailer({ provider, retry: { attempts: 1, deadlineMs } }) };
}

describe("timeoutMs over real HTTP", () => {
  it("a response whose headers don't come in time is a retryable timeout", async () => {
    const { mailer } = mailerFor("/slow-headers/", 50);
    const error = await failure(mailer.send(BASE));
    expect(error).toMatchObject({ kind: "timeout", retryable: true, provider: "Resend" });
    expect(error.message).toContain("timed out after 50 ms");
    await mailer.close();
  });

  it("a body that stalls after the headers is a retryable timeout", async () => {
    const { mailer } = mailerFor("/slow-body/", 50);
    const error = await failure(mailer.send(BASE));
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(error.message).toContain("timed out after 50 ms");
    await mailer.close();
  });

  it("the send's deadline before timeoutMs ends the send as a timeout", async () => {
    const { mailer } = mailerFor("/slow-headers/", 10_000, 50);
    const error = await failure(mailer.send(BASE));
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("deadline");
    await mailer.close();
  });

  it("a fast answer within timeoutMs succeeds", async () => {
    const { mailer } = mailerFor("/", 1_000);
    expect((await mailer.send(BASE)).messageId).toBe("fast-1");
    await mailer.close();
  });
});
