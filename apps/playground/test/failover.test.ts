import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Playground, startPlayground } from "../src/playground.js";

// The failover panel's API over real HTTP: the primary Resend emulator really refuses
// connections, answers 500s, or stores then drops the response once.
describe("playground failover: Resend, then Postmark", () => {
  let playground: Playground;
  beforeAll(async () => {
    playground = await startPlayground({ port: 0, env: {} });
  });
  afterAll(async () => {
    await playground?.close();
  });

  interface Answer {
    ok: boolean;
    result: { provider: string; messageId: string };
    error: { code: string };
    attempts: { provider: string; outcome: string; reason: string }[];
    stored: { Resend: number; Postmark: number };
  }

  const post = async (path: string, body: unknown): Promise<Answer> => {
    const response = await fetch(`${playground.url}/api/failover${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Answer;
  };

  it("is announced by /api/info in emulator mode", async () => {
    const info = await (await fetch(`${playground.url}/api/info`)).json();
    expect(info.failover).toBe(true);
  });

  it("sends through Resend while it is up, Postmark while it refuses or answers 500", async () => {
    const up = await post("/send", { subject: "up" });
    expect(up.ok).toBe(true);
    expect(up.result.provider).toBe("Resend");

    await post("/state", { state: "refusing" });
    const refused = await post("/send", { subject: "refused" });
    expect(refused.result.provider).toBe("Postmark");
    expect(refused.attempts[0]).toMatchObject({ provider: "Resend", outcome: "not_accepted" });
    expect(refused.attempts[0]?.reason).toMatch(/connect/);

    await post("/state", { state: "500s" });
    const errored = await post("/send", { subject: "500" });
    expect(errored.result.provider).toBe("Postmark");
    expect(errored.attempts[0]?.reason).toMatch(/^HTTP 500/);
    expect(errored.stored).toEqual({ Resend: 1, Postmark: 2 });
  });

  it("accept-then-drop stays on Resend: the retry returns the original id, one copy", async () => {
    await post("/state", { state: "up" });
    const before = (await post("/state", { state: "drop-once" })).stored;
    const dropped = await post("/send", { subject: "dropped" });
    expect(dropped.ok).toBe(true);
    expect(dropped.result.provider).toBe("Resend");
    expect(dropped.stored).toEqual({ Resend: before.Resend + 1, Postmark: before.Postmark });
  });

  it("Postmark's webhooks land in the same handler as Resend's: the events stream shows both", async () => {
    await post("/state", { state: "refusing" });
    const viaPostmark = await post("/send", { subject: "postmark webhook" });
    await post("/state", { state: "up" });
    const viaResend = await post("/send", { subject: "resend webhook" });
    expect([viaPostmark.result.provider, viaResend.result.provider]).toEqual([
      "Postmark",
      "Resend",
    ]);

    // Read the Server-Sent Events stream until both messages' delivered events arrived.
    const controller = new AbortController();
    const response = await fetch(`${playground.url}/api/events`, { signal: controller.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const wanted = new Set([viaPostmark.result.messageId, viaResend.result.messageId]);
    const seen = new Map<string, string>();
    let text = "";
    const timeout = setTimeout(() => controller.abort(), 20_000);
    try {
      while (seen.size < wanted.size) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
        for (const line of text.split("\n")) {
          if (!line.startsWith("data: ")) continue;
          const { event } = JSON.parse(line.slice(6)) as {
            event: { messageId?: string; eventType?: string };
          };
          if (event.eventType === "delivered" && event.messageId && wanted.has(event.messageId)) {
            seen.set(event.messageId, event.eventType);
          }
        }
      }
    } finally {
      clearTimeout(timeout);
      controller.abort();
    }
    expect(seen.size).toBe(2);
  });

  it("refuses an unknown state", async () => {
    const answer = await post("/state", { state: "sideways" });
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe("invalid_state");
  });
});
