import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { type ResendEmulator, startResendEmulator } from "@anymail/emulator";
import { generateWebhookSecret, svixSignedHeaders } from "@anymail/emulator/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const artifactsDir = fileURLToPath(new URL("../test-artifacts", import.meta.url));
const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const signingSecret = generateWebhookSecret();
const childEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  RESEND_SIGNING_SECRET: signingSecret,
};

interface LoggedEvent {
  eventType: string;
  timestamp: string;
  eventId?: string;
  messageId?: string;
  recipient?: string;
  tags: string[];
  metadata: Record<string, unknown>;
  espEvent: { type: string; data: { email_id: string } };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Resolves once `next start` answers, or rejects with its output if it exits first. */
function waitForServer(child: ChildProcess, url: string, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    child.once("exit", (code) => {
      if (!done) reject(new Error(`next start exited with ${code}:\n${output()}`));
    });
    const poll = async () => {
      while (!done) {
        try {
          const response = await fetch(url);
          if (response.ok) {
            done = true;
            resolve();
            return;
          }
        } catch {
          // Not listening yet.
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    void poll();
  });
}

async function events(baseUrl: string): Promise<LoggedEvent[]> {
  return (await fetch(`${baseUrl}/api/events`)).json() as Promise<LoggedEvent[]>;
}

describe("Next.js App Router example", () => {
  let child: ChildProcess | undefined;
  let emulator: ResendEmulator | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    // `turbo run test` builds first; running vitest alone builds here.
    if (!existsSync(`${appDir}/.next/BUILD_ID`)) {
      const build = spawnSync(process.execPath, [nextBin, "build"], {
        cwd: appDir,
        env: childEnv,
        encoding: "utf8",
      });
      if (build.status !== 0)
        throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
    }
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    let output = "";
    child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: appDir,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    await waitForServer(child, `${baseUrl}/api/events`, () => output);
    emulator = await startResendEmulator({
      port: 0,
      webhooks: [{ url: `${baseUrl}/anymail/resend/tracking`, secret: signingSecret }],
    });
  });

  afterAll(async () => {
    await emulator?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("receives the emulator's signed webhooks, normalized", async () => {
    const response = await fetch(`${emulator?.url}/emails`, {
      method: "POST",
      headers: { authorization: "Bearer re_next_example", "content-type": "application/json" },
      body: JSON.stringify({
        from: "Shop <shop@example.com>",
        to: ["delivered@resend.dev"],
        subject: "Order shipped",
        text: "On its way.",
        headers: { "X-Metadata": JSON.stringify({ orderId: 4411 }) },
        tags: [{ name: "kind", value: "shipping" }],
      }),
    });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };

    let received: LoggedEvent[] = [];
    while (!received.some((event) => event.eventType === "delivered")) {
      await new Promise((r) => setTimeout(r, 100));
      received = (await events(baseUrl)).filter((event) => event.messageId === id);
    }
    expect(received.map((event) => event.eventType)).toEqual(["sent", "delivered"]);
    const delivered = received[1] as LoggedEvent;
    expect(delivered).toMatchObject({
      eventType: "delivered",
      messageId: id,
      recipient: "delivered@resend.dev",
      metadata: { orderId: 4411 },
    });
    expect(delivered.espEvent.type).toBe("email.delivered");
    expect(delivered.espEvent.data.email_id).toBe(id);
    expect(Number.isNaN(Date.parse(delivered.timestamp))).toBe(false);
    expect(delivered.eventId).toMatch(/\S/);
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(`${artifactsDir}/received-events.json`, `${JSON.stringify(received, null, 2)}\n`);
  });

  it("refuses a forged delivery with 401 and records nothing", async () => {
    const before = (await events(baseUrl)).length;
    const body = JSON.stringify({
      type: "email.delivered",
      created_at: new Date().toISOString(),
      data: { email_id: "forged", to: ["victim@example.com"], subject: "x" },
    });
    // Correctly signed, with a secret the app doesn't have.
    const response = await fetch(`${baseUrl}/anymail/resend/tracking`, {
      method: "POST",
      headers: svixSignedHeaders(generateWebhookSecret(), body),
      body,
    });
    expect(response.status).toBe(401);
    expect(await events(baseUrl)).toHaveLength(before);
  });

  it("refuses an unsigned delivery with 401", async () => {
    const response = await fetch(`${baseUrl}/anymail/resend/tracking`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "email.delivered", created_at: "", data: {} }),
    });
    expect(response.status).toBe(401);
  });
});
