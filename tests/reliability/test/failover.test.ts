import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import {
  type AnymailAPIError,
  type EmailMessage,
  type Provider,
  createMailer,
  failover,
  isAnymailError,
} from "@anymail/core";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { postmark } from "@anymail/postmark";
import { resend } from "@anymail/resend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// failover() against real emulators over HTTP on 127.0.0.1: the primary really refuses
// connections (a closed port), really answers 500, really stores then drops the response.

const message = (subject: string): EmailMessage => ({
  from: "Shop <shop@example.com>",
  to: "ana@example.org",
  subject,
  text: "Hello",
});

/** A port nothing listens on: bind one, then close it. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function named(provider: Provider, name: string): Provider {
  return { ...provider, name };
}

function stored(emu: Emulator, subject: string) {
  return emu.emails.filter((email) => email.subject === subject);
}

const fastRetry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, deadlineMs: 20_000 };

describe("failover(): Resend A, then Resend B (two Resend emulators)", () => {
  let a: Emulator;
  let b: Emulator;
  beforeEach(async () => {
    [a, b] = await Promise.all([
      startEmulator({ provider: "resend", rateLimit: false }),
      startEmulator({ provider: "resend", rateLimit: false }),
    ]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const members = (primaryUrl: string) => [
    named(resend({ apiKey: "re_test_a", apiUrl: primaryUrl }), "Resend A"),
    named(resend({ apiKey: "re_test_b", apiUrl: b.url }), "Resend B"),
  ];

  it("primary refuses connections: the secondary sends, exactly one email stored", async () => {
    const provider = failover(members(await closedPortUrl()));
    const mailer = createMailer({ provider, retry: fastRetry });
    const result = await mailer.send(message("refused"));
    await mailer.close();

    expect(result.provider).toBe("Resend B");
    expect(result.attempts).toMatchObject([{ provider: "Resend A", outcome: "not_accepted" }]);
    expect((result.attempts?.[0]?.error as AnymailAPIError | undefined)?.kind).toBe("connect");
    expect(stored(b, "refused").map((e) => e.id)).toEqual([result.messageId]);
    expect(a.emails).toHaveLength(0);
  });

  it("primary answers 500: the secondary sends, once", async () => {
    a.setFaults({ "POST /emails": { errorRate: 1, errorStatus: 500 } });
    const mailer = createMailer({ provider: failover(members(a.url)), retry: fastRetry });
    const result = await mailer.send(message("five hundred"));
    await mailer.close();

    expect(result.provider).toBe("Resend B");
    expect(result.attempts?.[0]?.reason).toMatch(/^HTTP 500/);
    expect(a.emails).toHaveLength(0);
    expect(stored(b, "five hundred").map((e) => e.id)).toEqual([result.messageId]);
  });

  it("primary accepts then drops the response: no failover, the retry returns the original id", async () => {
    a.setFaults({ "POST /emails": { dropResponseRate: 1 } });
    const failedKinds: unknown[] = [];
    const mailer = createMailer({
      provider: failover(members(a.url)),
      retry: fastRetry,
      // The first attempt is dropped; the emulator is healthy for the retry.
      logger: (record) => {
        if (record.message !== "send attempt failed") return;
        failedKinds.push((record.error as { kind?: string }).kind);
        a.setFaults({});
      },
    });
    const result = await mailer.send(message("dropped"));
    await mailer.close();

    expect(failedKinds).toEqual(["network"]);
    expect(result.provider).toBe("Resend A");
    const copies = stored(a, "dropped");
    expect(copies.map((e) => e.id)).toEqual([result.messageId]);
    expect(b.emails).toHaveLength(0);
  });

  it('with onAmbiguous: "failover" the documented duplicate happens and is reported', async () => {
    a.setFaults({ "POST /emails": { dropResponseRate: 1 } });
    const mailer = createMailer({
      provider: failover(members(a.url), { onAmbiguous: "failover" }),
      retry: fastRetry,
    });
    const result = await mailer.send(message("twice"));
    await mailer.close();

    expect(result.provider).toBe("Resend B");
    expect(result.attempts).toMatchObject([{ provider: "Resend A", outcome: "ambiguous" }]);
    expect(stored(a, "twice")).toHaveLength(1);
    expect(stored(b, "twice").map((e) => e.id)).toEqual([result.messageId]);
  });

  it("breaker: after the threshold the refusing primary isn't even dialled, until the cooldown", async () => {
    let clock = 0;
    const gate = await closedPortUrl();
    const provider = failover(members(gate), {
      failureThreshold: 2,
      cooldownMs: 10_000,
      now: () => clock,
    });
    const mailer = createMailer({ provider, retry: false });
    for (let i = 0; i < 3; i++) await mailer.send(message(`b${i}`));
    const third = await mailer.send(message("skipped"));
    expect(third.attempts?.[0]?.outcome).toBe("circuit_open");
    expect(provider.circuits()[0]?.state).toBe("open");
    clock += 10_000;
    expect(provider.circuits()[0]?.state).toBe("half_open");
    const probe = await mailer.send(message("probe"));
    expect(probe.attempts?.[0]?.outcome).toBe("not_accepted");
    expect(provider.circuits()[0]?.state).toBe("open");
    await mailer.close();
    expect(b.emails).toHaveLength(5);
  });
});

describe("failover(): Resend, then Postmark", () => {
  let primary: Emulator;
  let secondary: Emulator;
  beforeEach(async () => {
    [primary, secondary] = await Promise.all([
      startEmulator({ provider: "resend", rateLimit: false }),
      startEmulator({ provider: "postmark", rateLimit: false }),
    ]);
  });
  afterEach(async () => {
    await Promise.all([primary.close(), secondary.close()]);
  });

  const both = (resendUrl: string) => [
    resend({ apiKey: "re_test_a", apiUrl: resendUrl }),
    postmark({ serverToken: "server-token", apiUrl: secondary.url }),
  ];

  it("Resend refuses connections: Postmark sends it, once", async () => {
    const mailer = createMailer({
      provider: failover(both(await closedPortUrl())),
      retry: fastRetry,
    });
    const result = await mailer.send(message("to postmark"));
    await mailer.close();
    expect(result.provider).toBe("Postmark");
    const copies = stored(secondary, "to postmark");
    expect(copies.map((e) => [e.provider, e.id])).toEqual([["postmark", result.messageId]]);
  });

  it("Resend answers 503: Postmark sends it; Resend up: Resend sends", async () => {
    primary.setFaults({ "POST /emails": { errorRate: 1, errorStatus: 503 } });
    const provider = failover(both(primary.url), { failureThreshold: 5 });
    const mailer = createMailer({ provider, retry: fastRetry });
    expect((await mailer.send(message("during outage"))).provider).toBe("Postmark");
    primary.setFaults({});
    expect((await mailer.send(message("after outage"))).provider).toBe("Resend");
    await mailer.close();
    expect(stored(secondary, "during outage")).toHaveLength(1);
    expect(stored(primary, "after outage")).toHaveLength(1);
    expect(primary.emails).toHaveLength(1);
  });

  it("a message Postmark can't carry (two tags) skips Postmark with the reason", async () => {
    const mailer = createMailer({ provider: failover(both(await closedPortUrl())), retry: false });
    const error = await mailer.send({ ...message("tags"), tags: ["a", "b"] }).then(
      () => undefined,
      (e: unknown) => e as AnymailAPIError,
    );
    await mailer.close();
    expect(isAnymailError(error, "api_error")).toBe(true);
    expect(error?.attempts?.map((x) => [x.provider, x.outcome])).toEqual([
      ["Resend", "not_accepted"],
      ["Postmark", "unsupported"],
    ]);
    expect(error?.attempts?.[1]?.reason).toMatch(/^Postmark does not support/);
    expect(secondary.emails).toHaveLength(0);
  });

  it("Resend accepts then drops: no failover to Postmark (which has no idempotency keys)", async () => {
    primary.setFaults({ "POST /emails": { dropResponseRate: 1 } });
    let failedAttempts = 0;
    const mailer = createMailer({
      provider: failover(both(primary.url)),
      retry: fastRetry,
      logger: (record) => {
        if (record.message !== "send attempt failed") return;
        failedAttempts++;
        primary.setFaults({});
      },
    });
    const result = await mailer.send(message("kept on resend"));
    await mailer.close();
    expect(failedAttempts).toBe(1);
    expect(result.provider).toBe("Resend");
    expect(stored(primary, "kept on resend").map((e) => e.id)).toEqual([result.messageId]);
    expect(secondary.emails).toHaveLength(0);
  });
});
