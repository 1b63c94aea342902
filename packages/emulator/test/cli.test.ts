import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseWebhookSpec } from "../src/internal/cli/args.js";
import { resendPersonality } from "../src/personalities/resend/index.js";
import { basicEmail, sdk, startHookReceiver, until, verifyHook } from "./helpers.js";

// The real bins, as `npx anymail-emulator` runs them (they load dist/, built before tests).
const bin = (name: string) => fileURLToPath(new URL(`../bin/${name}.js`, import.meta.url));

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function run(name: string, args: string[]): Running {
  const child = spawn(process.execPath, [bin(name), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

describe("anymail-emulator CLI (spawned)", () => {
  it("prints the variables anymail reads, filters events per webhook and stops on SIGTERM", async () => {
    const all = await startHookReceiver();
    const deliveredOnly = await startHookReceiver();
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const cli = run("anymail-emulator", [
      "--provider",
      "resend",
      "--port",
      "0",
      "--rate-limit",
      "off",
      "--delivery-delay",
      "1",
      "--webhook",
      all.url,
      "--webhook",
      `${deliveredOnly.url},${secret},email.delivered`,
    ]);
    await until(() => cli.stdout().includes("Webhook") && cli.stdout().includes("events"), 15_000);
    const url = /listening on (http:\/\/\S+)/.exec(cli.stdout())![1]!;
    expect(cli.stdout()).toContain(`Resend emulator listening on ${url}`);
    expect(cli.stdout()).toContain(`ANYMAIL_RESEND_API_URL=${url}`);
    expect(cli.stdout()).toContain("ANYMAIL_RESEND_API_KEY=re_");
    expect(cli.stdout()).toContain(`RESEND_BASE_URL=${url}`);
    expect(cli.stdout()).toContain(
      `Webhook ${deliveredOnly.url}  secret ${secret}  events email.delivered`,
    );

    const { error } = await sdk({ url }).emails.send(basicEmail);
    expect(error).toBeNull();
    await until(() => all.hooks.length === 2 && deliveredOnly.hooks.length === 1, 10_000);
    expect(verifyHook(secret, deliveredOnly.hooks[0]!).type).toBe("email.delivered");

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain("SIGTERM received, stopping.");
    // Nothing further arrives: sent + delivered on one endpoint, delivered on the other.
    expect(all.hooks.map((hook) => JSON.parse(hook.rawBody).type)).toEqual([
      "email.sent",
      "email.delivered",
    ]);
  });

  it("uses the key given with --api-key, and names an inbound endpoint's secret variable", async () => {
    const cli = run("anymail-emulator", [
      "--port",
      "0",
      "--api-key",
      "re_mine_123",
      "--webhook",
      "http://127.0.0.1:9/anymail/resend/inbound,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ]);
    await until(() => cli.stdout().includes("Webhook"), 15_000);
    expect(cli.stdout()).toContain("ANYMAIL_RESEND_API_KEY=re_mine_123");
    expect(cli.stdout()).toContain(
      "  ANYMAIL_RESEND_INBOUND_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    );
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
  });

  it("exits 2 with a message naming the bin for bad arguments; --help exits 0", async () => {
    const bad = run("anymail-emulator", ["--provider", "nope"]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/^anymail-emulator: --provider must be one of resend/);
    const badEvent = run("anymail-emulator", [
      "--webhook",
      "http://127.0.0.1:9/x,whsec_abc,email.nope",
    ]);
    expect(await badEvent.exited).toBe(2);
    expect(badEvent.stderr()).toContain('"email.nope" is not a Resend event type');
    const help = run("resend-emulator", ["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain("Usage: resend-emulator [options]");
    expect(help.stdout()).toContain("--provider <name>");
  });
});

describe("--webhook URL[,secret][,event…]", () => {
  it("tells event types from the secret by the personality's event names", () => {
    expect(parseWebhookSpec("http://h/x", resendPersonality)).toEqual({ url: "http://h/x" });
    expect(parseWebhookSpec("http://h/x,whsec_a", resendPersonality)).toEqual({
      url: "http://h/x",
      secret: "whsec_a",
    });
    expect(parseWebhookSpec("http://h/x,email.bounced,email.delivered", resendPersonality)).toEqual(
      {
        url: "http://h/x",
        events: ["email.bounced", "email.delivered"],
      },
    );
    expect(parseWebhookSpec("http://h/x,,email.received", resendPersonality)).toEqual({
      url: "http://h/x",
      events: ["email.received"],
    });
    expect(() => parseWebhookSpec("http://h/x,whsec_a,delivered", resendPersonality)).toThrow(
      /not a Resend event type/,
    );
  });
});
