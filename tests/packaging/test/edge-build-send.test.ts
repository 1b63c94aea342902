// The edge build of every provider stack, run by Node with the `workerd` export condition
// and no global Buffer for our code (as on workerd without nodejs_compat): core and the kit resolve
// to dist/edge, requests go through the runtime's fetch, and the emulator answers over real
// HTTP on 127.0.0.1. The real runtimes are tested in tests/edge; this keeps the library's
// side cheap to check on every change.
import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

type ProviderName = "resend" | "postmark" | "mailgun";

interface Outcome {
  resolved: Record<string, string>;
  hasBuffer: boolean;
  id?: string;
  error?: { code: string; kind?: string; retryable?: boolean; message: string };
}

/** Runs in the child: one send through `createMailer`, the outcome as JSON on stdout. */
const CHILD = `
const { provider: name, apiUrl, attachment } = JSON.parse(process.argv[1]);
// workerd has no Buffer without nodejs_compat: hide it from every caller but Node's own
// internals (its fetch needs it), so any use of ours fails here as it would there.
const NodeBuffer = globalThis.Buffer;
Object.defineProperty(globalThis, "Buffer", {
  configurable: true,
  get() {
    const caller = new Error().stack.split("\\n")[2] ?? "";
    return caller.includes("(node:") || caller.includes(" node:") ? NodeBuffer : undefined;
  },
});
const resolved = {};
for (const id of ["@anymail/core", "@anymail/http", "@anymail/" + name]) {
  resolved[id] = import.meta.resolve(id);
}
const { createMailer } = await import("@anymail/core");
const factories = {
  resend: async () => (await import("@anymail/resend")).resend({ apiKey: "re_edge", apiUrl }),
  postmark: async () => (await import("@anymail/postmark")).postmark({ serverToken: "server-token", apiUrl }),
  mailgun: async () => (await import("@anymail/mailgun")).mailgun({ apiKey: "key-edge", apiUrl: apiUrl + "/v3", senderDomain: "mg.example.com" }),
};
const mailer = createMailer({
  provider: await factories[name](),
  retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
});
const outcome = { resolved, hasBuffer: typeof globalThis.Buffer !== "undefined" };
try {
  const result = await mailer.send({
    from: "Shop <shop@mg.example.com>",
    // Comments need the full RFC 5322 parser, statically imported in the edge build.
    to: '"Dr. Who" (the doctor) <who@example.com>',
    subject: "Edge build",
    text: "Sent without undici",
    // No contentType: guessed from the name by the generated table.
    attachments: [{ filename: "report.pdf", content: new Uint8Array(attachment) }],
  });
  outcome.id = result.messageId ?? result.recipients?.[0]?.messageId ?? "sent";
} catch (error) {
  outcome.error = { code: error.code, kind: error.kind, retryable: error.retryable, message: error.message };
} finally {
  await mailer.close();
}
console.log(JSON.stringify(outcome));
`;

const ATTACHMENT = [0, 1, 2, 250, 251, 252, 253, 254, 255, 37, 80, 68, 70];

async function sendFromEdgeBuild(provider: ProviderName, apiUrl: string): Promise<Outcome> {
  const { stdout } = await run(
    process.execPath,
    [
      "--conditions=workerd",
      "--input-type=module",
      "-e",
      CHILD,
      JSON.stringify({ provider, apiUrl, attachment: ATTACHMENT }),
    ],
    { cwd: new URL("..", import.meta.url), encoding: "utf8" },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Outcome;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return `http://127.0.0.1:${port}`;
}

const SEND_ENDPOINT: Record<ProviderName, string> = {
  resend: "POST /emails",
  postmark: "POST /email",
  mailgun: "POST /v3/:domain/messages",
};

describe.each(["resend", "postmark", "mailgun"] as const)("%s, edge build on fetch", (provider) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider, rateLimit: false, deliveryDelayMs: 5 });
  });
  afterAll(() => emu.close());

  it("resolves core and the kit to dist/edge and sends: full parser, type table, base64 without Buffer", async () => {
    emu.setFaults({});
    const before = emu.emails.length;
    const outcome = await sendFromEdgeBuild(provider, emu.url);
    expect(outcome.error).toBeUndefined();
    expect(outcome.hasBuffer).toBe(false);
    expect(outcome.resolved["@anymail/core"]).toMatch(/\/core\/dist\/edge\/index\.js$/);
    expect(outcome.resolved["@anymail/http"]).toMatch(/\/http\/dist\/edge\/index\.js$/);
    expect(emu.emails.length).toBe(before + 1);
    const email = emu.emails.at(-1)!;
    expect(JSON.stringify(email.to)).toContain("who@example.com");
    const attachment = email.attachments[0]!;
    expect(attachment.contentType).toMatch(/^application\/pdf/);
    expect([...Buffer.from(attachment.content ?? "", "base64")]).toEqual(ATTACHMENT);
  });

  it("a 429 with Retry-After is waited out and retried", async () => {
    emu.setFaults({ [SEND_ENDPOINT[provider]]: { errorRate: 1, errorStatus: 429, maxFaults: 1 } });
    const before = emu.emails.length;
    const outcome = await sendFromEdgeBuild(provider, emu.url);
    expect(outcome.error).toBeUndefined();
    expect(emu.emails.length).toBe(before + 1);
  });

  it("a refused connection is kind connect (never written), so even a non-idempotent ESP retries it", async () => {
    const outcome = await sendFromEdgeBuild(provider, await closedPortUrl());
    expect(outcome.error).toMatchObject({ code: "api_error", kind: "connect", retryable: true });
  });

  it("a response lost after the ESP stored the email: retried only where the ESP dedupes by key", async () => {
    emu.setFaults({ [SEND_ENDPOINT[provider]]: { dropResponseRate: 1, maxFaults: 1 } });
    const before = emu.emails.length;
    const outcome = await sendFromEdgeBuild(provider, emu.url);
    // Sent once either way: Resend dedupes the retry by its idempotency key.
    expect(emu.emails.length).toBe(before + 1);
    if (provider === "resend") {
      expect(outcome.error).toBeUndefined();
    } else {
      expect(outcome.error).toMatchObject({ code: "api_error", kind: "network", retryable: false });
    }
  });
});
