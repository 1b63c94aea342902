// One webhook receiver in its own process (it gets a core; autocannon gets the other).
// anymail's adapters vs. a bare route of the same framework that only verifies with svix.
import { serveParent } from "../lib/child.mjs";
import { webhookPath } from "./payload.mjs";

const [kind] = process.argv.slice(2);
const signingSecret = process.env.BENCH_SIGNING_SECRET;
let handled = 0;
const onTracking = () => {
  handled++;
};

// BENCH_REPLAY_STORE=off: `replayStore: false`, so the same signed request can be replayed
// by the load generator; otherwise anymail's default in-memory store is on.
async function anymailOptions() {
  const { resendWebhooks } = await import("@anymail/resend");
  const replay = process.env.BENCH_REPLAY_STORE === "off" ? { replayStore: false } : {};
  return { providers: [resendWebhooks({ signingSecret })], onTracking, ...replay };
}

const servers = {
  async "fastify-anymail"() {
    const { default: Fastify } = await import("fastify");
    const { anymailFastify } = await import("@anymail/webhooks/fastify");
    const app = Fastify({ logger: false });
    await app.register(anymailFastify, { prefix: "/anymail", ...(await anymailOptions()) });
    return listenFastify(app);
  },
  async "fastify-bare"() {
    const { default: Fastify } = await import("fastify");
    const { Webhook } = await import("svix");
    const webhook = new Webhook(signingSecret);
    const app = Fastify({ logger: false });
    app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) =>
      done(null, body),
    );
    app.post(webhookPath, async (request, reply) => {
      try {
        webhook.verify(request.body, request.headers);
      } catch {
        return reply.code(401).send();
      }
      handled++;
      return reply.code(200).send();
    });
    return listenFastify(app);
  },
  async "express-anymail"() {
    const { default: express } = await import("express");
    const { anymailExpress } = await import("@anymail/webhooks/express");
    const app = express();
    app.use("/anymail", anymailExpress(await anymailOptions()));
    return listenExpress(app);
  },
  async "express-bare"() {
    const { default: express } = await import("express");
    const { Webhook } = await import("svix");
    const webhook = new Webhook(signingSecret);
    const app = express();
    app.post(webhookPath, express.raw({ type: "*/*" }), (req, res) => {
      try {
        webhook.verify(req.body, req.headers);
      } catch {
        res.status(401).end();
        return;
      }
      handled++;
      res.status(200).end();
    });
    return listenExpress(app);
  },
};

async function listenFastify(app) {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${app.server.address().port}`;
}

function listenExpress(app) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, "127.0.0.1", (error) => {
      if (error) reject(error);
      else resolve(`http://127.0.0.1:${server.address().port}`);
    });
    server.keepAliveTimeout = 60_000;
  });
}

try {
  if (!signingSecret) throw new Error("BENCH_SIGNING_SECRET not set");
  const url = await servers[kind]();
  let cpuAtReset = process.cpuUsage();
  serveParent({
    reset() {
      handled = 0;
      cpuAtReset = process.cpuUsage();
      return true;
    },
    stats() {
      const cpu = process.cpuUsage(cpuAtReset);
      return { handled, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
  });
  process.send({ ready: true, url });
} catch (error) {
  process.send({ error: error?.stack ?? String(error) });
}
