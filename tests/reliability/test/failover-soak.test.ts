import {
  type AnymailError,
  createMailer,
  failover,
  isAnymailError,
  type SendResult,
} from "@anymail/core";
import { type Emulator, startEmulator } from "@anymail/emulator";
import { postmark } from "@anymail/postmark";
import { resend } from "@anymail/resend";
import { describe, expect, it } from "vitest";
import { seededRandom, startTcpGate, type TcpGate } from "@anymail/emulator/testing";

// Issue 15: "Resend, then Postmark" while the Resend side flaps between up, refusing
// connections (its port really closed) and answering 500. 1,000 sends: none lost, none
// sent twice, each stored once where result.provider says, with the id returned.

type PrimaryState = "up" | "refusing" | "500s";

async function setState(state: PrimaryState, gate: TcpGate, primary: Emulator): Promise<void> {
  if (state === "refusing") {
    await gate.refuse();
    return;
  }
  primary.setFaults(state === "500s" ? { "POST /emails": { errorRate: 1, errorStatus: 500 } } : {});
  await gate.open();
}

describe("failover soak: Resend (flapping) then Postmark", () => {
  it("1,000 sends while the primary flaps: 0 lost, 0 duplicated", async () => {
    const sends = 1_000;
    const concurrency = 16;
    const flapEveryMs = 80;
    const random = seededRandom(15);
    const [primary, secondary] = await Promise.all([
      startEmulator({ provider: "resend", rateLimit: false }),
      startEmulator({ provider: "postmark", rateLimit: false }),
    ]);
    const gate = await startTcpGate(primary.url);
    const provider = failover(
      [
        resend({ apiKey: "re_test_soak", apiUrl: gate.url }),
        postmark({ serverToken: "server-token", apiUrl: secondary.url }),
      ],
      { failureThreshold: 3, cooldownMs: 150 },
    );
    // Every failed round, by the member that failed and how: shows the ambiguous ones too.
    const failedRounds: Record<string, number> = {};
    let retryWaits = 0;
    const mailer = createMailer({
      provider,
      retry: { attempts: 40, baseDelayMs: 5, maxDelayMs: 100, deadlineMs: 60_000 },
      logger: (record) => {
        if (record.message === "retry wait") retryWaits++;
        if (typeof record.member !== "string" || typeof record.reason !== "string") return;
        const key = `${record.member} ${record.message.replace("failover: ", "").replace(`${record.member} `, "")} (${record.reason.split(" ")[0]} ${record.reason.split(" ")[1]})`;
        failedRounds[key] = (failedRounds[key] ?? 0) + 1;
      },
    });

    const stateTime: Record<PrimaryState, number> = { up: 0, refusing: 0, "500s": 0 };
    let state: PrimaryState = "up";
    let since = Date.now();
    let flapping = true;
    const flapper = (async () => {
      const states: PrimaryState[] = ["up", "refusing", "500s"];
      while (flapping) {
        await new Promise((resolve) => setTimeout(resolve, flapEveryMs));
        const next = states[Math.floor(random() * states.length)]!;
        stateTime[state] += Date.now() - since;
        since = Date.now();
        state = next;
        await setState(next, gate, primary);
      }
    })();

    const outcomes: ({ ok: true; result: SendResult } | { ok: false; error: AnymailError })[] = [];
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < sends) {
          const index = next++;
          try {
            const result = await mailer.send({
              from: "Shop <shop@example.com>",
              to: `user${index}@example.org`,
              subject: `soak-${index}`,
              text: "Hello",
            });
            outcomes[index] = { ok: true, result };
          } catch (error) {
            outcomes[index] = { ok: false, error: error as AnymailError };
          }
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    flapping = false;
    await flapper;
    stateTime[state] += Date.now() - since;
    await gate.open();
    await mailer.close();

    const bySubject = new Map<string, { provider: string; id: string }[]>();
    for (const email of [...primary.emails, ...secondary.emails]) {
      const list = bySubject.get(email.subject ?? "") ?? [];
      list.push({ provider: email.provider, id: email.id });
      bySubject.set(email.subject ?? "", list);
    }
    let lost = 0;
    let duplicated = 0;
    let wrongPlace = 0;
    let untyped = 0;
    const accepted: Record<string, number> = {};
    const passedOver: Record<string, number> = {};
    for (const [index, outcome] of outcomes.entries()) {
      const copies = bySubject.get(`soak-${index}`) ?? [];
      if (copies.length > 1) duplicated++;
      if (!outcome.ok) {
        if (!isAnymailError(outcome.error)) untyped++;
        continue;
      }
      if (copies.length === 0) lost++;
      const { result } = outcome;
      accepted[result.provider ?? "?"] = (accepted[result.provider ?? "?"] ?? 0) + 1;
      for (const attempt of result.attempts ?? []) {
        const key = `${attempt.provider} ${attempt.outcome}`;
        passedOver[key] = (passedOver[key] ?? 0) + 1;
      }
      const copy = copies[0];
      if (
        copy &&
        (copy.id !== result.messageId || copy.provider !== result.provider?.toLowerCase())
      ) {
        wrongPlace++;
      }
    }
    const failed = outcomes.filter((o) => !o.ok).length;
    const stored = primary.emails.length + secondary.emails.length;
    console.log(
      [
        "failover soak (Resend flapping, then Postmark)",
        `  sends ${sends}, concurrency ${concurrency}, ${elapsedMs} ms`,
        `  primary state time (ms): ${JSON.stringify(stateTime)}`,
        `  accepted by: ${JSON.stringify(accepted)}; threw: ${failed}`,
        `  stored: ${stored} (Resend ${primary.emails.length}, Postmark ${secondary.emails.length})`,
        `  lost ${lost}, duplicated ${duplicated}, wrong provider/id ${wrongPlace}, untyped ${untyped}`,
        `  passed over (per result): ${JSON.stringify(passedOver)}`,
        `  member failures: ${JSON.stringify(failedRounds)}; mailer retry waits ${retryWaits}`,
      ].join("\n"),
    );
    await Promise.all([gate.close(), primary.close(), secondary.close()]);

    expect(untyped).toBe(0);
    expect(failed).toBe(0);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(wrongPlace).toBe(0);
    expect(stored).toBe(sends);
    // The flapping really happened and both paths were used.
    expect(stateTime.refusing).toBeGreaterThan(0);
    expect(stateTime["500s"]).toBeGreaterThan(0);
    expect(accepted.Resend).toBeGreaterThan(0);
    expect(accepted.Postmark).toBeGreaterThan(0);
    expect(Object.keys(passedOver).some((k) => k.endsWith("circuit_open"))).toBe(true);
    expect(Object.keys(passedOver).some((k) => k.endsWith("not_accepted"))).toBe(true);
  }, 240_000);
});
