// One webhook process: a real HTTP server running createWebhookHandler with the Redis
// replay store. Its handler records each call in Redis (so the test counts calls across
// processes) and takes a while, so concurrent copies of a delivery overlap.
import { createServer } from "node:http";
import { resendWebhooks } from "@anymail/resend";
import { createWebhookHandler } from "@anymail/webhooks";
import { createRedisReplayStore } from "@anymail/webhooks/redis";
import { Redis } from "ioredis";

const { REDIS_PORT, SIGNING_SECRET, LABEL, HANDLER_MS = "300", FAIL_FIRST = "0" } = process.env;
const connection = { host: "127.0.0.1", port: Number(REDIS_PORT) };
const redis = new Redis(connection);
const replayStore = createRedisReplayStore({ connection, claimMs: 1_500, waitMs: 5_000 });
let failuresLeft = Number(FAIL_FIRST);

const anymail = createWebhookHandler({
  providers: [resendWebhooks({ signingSecret: SIGNING_SECRET })],
  replayStore,
  onTracking: async (event) => {
    await redis.rpush("handled", `${LABEL} ${event.eventType} ${event.messageId}`);
    await new Promise((resolve) => setTimeout(resolve, Number(HANDLER_MS)));
    if (failuresLeft-- > 0) throw new Error("handler failed on purpose");
  },
});

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
  });
  const response = await anymail.handle(request);
  res.writeHead(response.status, { "content-type": "text/plain" });
  res.end(await response.text());
});
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", async (m) => {
  if (m === "stop") {
    server.close();
    await replayStore.close();
    await redis.quit();
    process.exit(0);
  }
});
