import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { parseCliArgs } from "../src/internal/cli/args.js";
import { runCli } from "../src/internal/cli/main.js";
import { basicEmail, call, emulator, sdk } from "./helpers.js";

describe("inspection over HTTP under /_emulator/", () => {
  it("lists emails, events, deliveries, received and webhooks, and resets", async () => {
    const emu = await emulator({
      webhooks: [{ url: "http://127.0.0.1:9/x", events: ["email.delivered"] }],
      webhookRetryScheduleMs: [0],
    });
    await sdk(emu).emails.send(basicEmail);
    await emu.receive({
      from: "a@example.org",
      to: "b@example.com",
      subject: "in",
      text: "t",
      attachments: [{ filename: "a.txt", content: "x" }],
    });
    await emu.waitForDeliveries();
    const get = async (path: string) =>
      (await call(emu, "GET", path, { key: null })).json as unknown as Record<string, unknown>[];
    expect((await get("/_emulator/emails")).map((email) => email.id)).toEqual([emu.emails[0]!.id]);
    expect((await get("/_emulator/events")).map((event) => event.type)).toEqual(
      ["email.sent", "email.received", "email.delivered"].sort(
        (a, b) =>
          emu.events.findIndex((e) => e.type === a) - emu.events.findIndex((e) => e.type === b),
      ),
    );
    expect((await get("/_emulator/deliveries")).map((delivery) => delivery.eventType)).toEqual([
      "email.delivered",
    ]);
    const [inbound] = await get("/_emulator/received");
    expect(inbound).toMatchObject({ subject: "in", rawSize: expect.any(Number) });
    expect(inbound).not.toHaveProperty("raw");
    expect((await get("/_emulator/webhooks"))[0]).toMatchObject({
      url: "http://127.0.0.1:9/x",
      secret: expect.stringMatching(/^whsec_/),
    });
    expect((await call(emu, "POST", "/_emulator/reset", { key: null })).json).toEqual({
      reset: true,
    });
    expect(emu.emails).toHaveLength(0);
    expect(emu.events).toHaveLength(0);
    expect(emu.webhooks).toHaveLength(1);
  });

  it("injects inbound mail and events over HTTP", async () => {
    const emu = await emulator();
    const inbound = await call(emu, "POST", "/_emulator/receive", {
      key: null,
      body: {
        from: "a@example.org",
        to: "b@example.com",
        subject: "hi",
        text: "t",
        attachments: [{ filename: "x.bin", contentBase64: "AAEC" }],
      },
    });
    expect(inbound.status).toBe(200);
    expect(emu.received[0]!.attachments[0]!.content).toEqual(new Uint8Array([0, 1, 2]));
    const { data } = await sdk(emu).emails.send(basicEmail);
    const emitted = await call(emu, "POST", "/_emulator/emit", {
      key: null,
      body: { emailId: data!.id, type: "email.opened" },
    });
    expect(emitted.json).toMatchObject({ type: "email.opened", emailId: data!.id });
    expect(
      (
        await call(emu, "POST", "/_emulator/emit", {
          key: null,
          body: { emailId: "nope", type: "email.opened" },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(emu, "POST", "/_emulator/receive", { key: null, body: { to: "x" } })).status,
    ).toBe(400);
    expect((await call(emu, "GET", "/_emulator/nothing", { key: null })).status).toBe(404);
    const preflight = await fetch(`${emu.url}/_emulator/emails`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  it("close() is idempotent and stops pending work", async () => {
    const emu = await emulator({
      webhooks: [{ url: "http://127.0.0.1:9/x" }],
      webhookRetryScheduleMs: [0, 60_000],
    });
    await sdk(emu).emails.send({ ...basicEmail, scheduledAt: "in 5 min" });
    await Promise.all([emu.close(), emu.close()]);
    await emu.close();
    await expect(fetch(`${emu.url}/emails`)).rejects.toThrow();
    await expect(emu.waitForDeliveries(undefined, { timeoutMs: 50 })).resolves.toBeDefined();
  });
});

describe("CLI arguments", () => {
  it("parses ports, webhooks with and without secrets, keys and limits", () => {
    expect(
      parseCliArgs([
        "--port",
        "4000",
        "--webhook",
        "http://localhost:3000/hooks,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--webhook=http://localhost:3001/other",
        "--api-key",
        "re_1",
        "--rate-limit",
        "off",
        "--require-user-agent",
      ]),
    ).toEqual({
      help: false,
      options: {
        port: 4000,
        webhooks: [
          { url: "http://localhost:3000/hooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
          { url: "http://localhost:3001/other" },
        ],
        apiKeys: ["re_1"],
        rateLimit: false,
        requireUserAgent: true,
      },
    });
    expect(parseCliArgs([])).toEqual({ help: false, options: { port: 3025, webhooks: [] } });
    expect(parseCliArgs(["--help"])).toEqual({ help: true });
  });

  it("rejects unknown flags and bad numbers", () => {
    expect(() => parseCliArgs(["--bogus"])).toThrow(/Unknown option/);
    expect(() => parseCliArgs(["--port", "abc"])).toThrow(/--port/);
    expect(() => parseCliArgs(["--webhook"])).toThrow(/URL/);
  });
});

describe("CLI run", () => {
  function io() {
    const signals = new EventEmitter();
    const output = { out: "", err: "" };
    return {
      signals,
      output,
      io: {
        out: (text: string) => {
          output.out += text;
        },
        err: (text: string) => {
          output.err += text;
        },
        onSignal: (signal: "SIGINT" | "SIGTERM", handler: () => void) => {
          signals.once(signal, handler);
        },
      },
    };
  }

  it("prints the URL and each webhook secret, serves requests and stops on SIGTERM", async () => {
    const { io: cliIo, output, signals } = io();
    const run = await runCli(
      ["--port", "0", "--webhook", "http://127.0.0.1:9/hooks", "--rate-limit", "off"],
      cliIo,
    );
    const emu = run.emulator!;
    expect(output.out).toContain(`listening on ${emu.url}`);
    expect(output.out).toContain(
      `Webhook http://127.0.0.1:9/hooks  secret ${emu.webhooks[0]!.secret}`,
    );
    expect((await sdk(emu).emails.send(basicEmail)).error).toBeNull();
    signals.emit("SIGTERM");
    await run.stopped;
    expect(output.out).toContain("SIGTERM received");
    await expect(fetch(`${emu.url}/emails`)).rejects.toThrow();
  });

  it("prints help and reports bad arguments with exit code 2", async () => {
    const help = io();
    expect((await runCli(["--help"], help.io)).exitCode).toBe(0);
    expect(help.output.out).toContain("--webhook <url[,secret][,event…]>");
    const bad = io();
    expect((await runCli(["--nope"], bad.io)).exitCode).toBe(2);
    expect(bad.output.err).toContain("Unknown option --nope");
  });
});
