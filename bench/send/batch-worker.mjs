// One batch client in its own process: 10,000 recipients with per-recipient metadata.
// anymail gets ONE neutral message with `mergeMetadata` and splits it itself; the SDK and raw
// undici get the same Resend batch payloads built by hand (chunks of 100, sequential), which is
// what a user of those would have to write.
import { randomUUID } from "node:crypto";
import { serveParent } from "../lib/child.mjs";
import { apiKey } from "./message.mjs";

const [clientName, baseUrl] = process.argv.slice(2);
const BATCH_LIMIT = 100;
const from = "Shop <shop@example.com>";
const subject = "Spring sale starts today";
const text = "Hi, our spring sale starts today: 20% off everything until Sunday.";
const globalMetadata = { campaign: "spring-2025" };

const recipients = (count) => Array.from({ length: count }, (_, i) => `user${i}@example.org`);

function chunks(list) {
  const out = [];
  for (let i = 0; i < list.length; i += BATCH_LIMIT) out.push(list.slice(i, i + BATCH_LIMIT));
  return out;
}

function resendBatchPayload(chunk, offset) {
  return chunk.map((to, i) => ({
    from,
    to: [to],
    subject,
    text,
    headers: { "X-Metadata": JSON.stringify({ ...globalMetadata, userId: offset + i }) },
  }));
}

const clients = {
  async anymail() {
    const { createMailer } = await import("@anymail/core");
    const { resend } = await import("@anymail/resend");
    const mailer = createMailer({ provider: resend({ apiKey, apiUrl: `${baseUrl}/` }) });
    return {
      async sendBatch(count) {
        const to = recipients(count);
        const mergeMetadata = Object.fromEntries(to.map((address, i) => [address, { userId: i }]));
        const result = await mailer.send({
          from,
          to,
          subject,
          text,
          metadata: globalMetadata,
          mergeMetadata,
        });
        const ids = Object.values(result.recipients).filter(
          (r) => r.status === "queued" && r.messageId,
        );
        if (ids.length !== count)
          throw new Error(`anymail: ${ids.length} of ${count} recipients queued with an id`);
      },
      close: () => mailer.close(),
    };
  },
  async sdk() {
    const { Resend } = await import("resend");
    const client = new Resend(apiKey, { baseUrl });
    return {
      async sendBatch(count) {
        const key = randomUUID();
        let index = 0;
        for (const chunk of chunks(recipients(count))) {
          const { data, error } = await client.batch.send(
            resendBatchPayload(chunk, index * BATCH_LIMIT),
            {
              idempotencyKey: `${key}/${index + 1}`,
            },
          );
          if (error) throw new Error(`resend SDK: ${error.name}: ${error.message}`);
          if (data?.data?.length !== chunk.length)
            throw new Error("resend SDK: batch id count mismatch");
          index++;
        }
      },
      close: async () => {},
    };
  },
  async raw() {
    const { Agent, request } = await import("undici");
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    return {
      async sendBatch(count) {
        const key = randomUUID();
        let index = 0;
        for (const chunk of chunks(recipients(count))) {
          const response = await request(`${baseUrl}/emails/batch`, {
            method: "POST",
            dispatcher: agent,
            headers: {
              authorization: `Bearer ${apiKey}`,
              "content-type": "application/json",
              "user-agent": "anymail-bench/0",
              "idempotency-key": `${key}/${index + 1}`,
            },
            body: JSON.stringify(resendBatchPayload(chunk, index * BATCH_LIMIT)),
          });
          const body = await response.body.json();
          if (response.statusCode !== 200 || body.data?.length !== chunk.length) {
            throw new Error(`raw undici: HTTP ${response.statusCode} or id count mismatch`);
          }
          index++;
        }
      },
      close: () => agent.close(),
    };
  },
};

try {
  const client = await clients[clientName]();
  serveParent({
    async batch({ recipients: count }) {
      const begin = performance.now();
      await client.sendBatch(count);
      return { wallMs: performance.now() - begin };
    },
    async close() {
      await client.close();
      return true;
    },
  });
  process.send({ ready: true });
} catch (error) {
  process.send({ error: error?.stack ?? String(error) });
}
