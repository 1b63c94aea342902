import express from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anymailExpress, EXPRESS_BODY_ALREADY_PARSED, keepRawBody } from "../src/express.js";
import { fetchEndpoint } from "./support/endpoint.js";
import { listen, trackingRecorder } from "./support/servers.js";
import { signHeaders, trackingPayload, testProvider } from "./support/signing.js";
import { describeWebhookEndpoint } from "./support/suite.js";

// Express 4 apps too: body-parser 1.x marks what it consumed differently (see express4.test.ts).
for (const [version, framework] of [
  ["Express 5", express],
  ["Express 4", express4],
] as const) {
  describeWebhookEndpoint(`${version} (anymail mounted before express.json())`, async (options) => {
    const app = framework();
    app.use("/anymail", anymailExpress(options));
    app.use(framework.json());
    const server = await listen(app);
    return fetchEndpoint(server.url, server.close);
  });
}

describe("Express with a body parser mounted first", () => {
  const { events, options } = trackingRecorder();
  const servers: { url: string; close: () => Promise<void> }[] = [];
  let jsonFirst: string;
  let jsonWithRawBody: string;
  let rawFirst: string;

  beforeAll(async () => {
    const a = express();
    a.use(express.json());
    a.use("/anymail", anymailExpress(options));
    a.post("/api/echo", (req, res) => {
      res.json({ got: req.body });
    });
    const b = express();
    // The typed helper: this line is what the TypeScript check of this file proves compiles.
    b.use(express.json({ verify: keepRawBody }));
    b.use("/anymail", anymailExpress(options));
    const c = express();
    c.use(express.raw({ type: "*/*" }));
    c.use("/anymail", anymailExpress(options));
    for (const app of [a, b, c]) servers.push(await listen(app));
    [jsonFirst, jsonWithRawBody, rawFirst] = servers.map((s) => s.url) as [string, string, string];
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  const send = (base: string, body: string) =>
    fetch(`${base}/anymail/test/tracking`, { method: "POST", body, headers: signHeaders(body) });

  it("refuses with a 500 that says how to mount it, never verifying re-serialized JSON", async () => {
    // Pretty-printed: express.json() + JSON.stringify would produce other bytes.
    const body = JSON.stringify(trackingPayload(), null, 2);
    const response = await send(jsonFirst, body);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain(EXPRESS_BODY_ALREADY_PARSED);
    expect(text).toMatch(
      /app\.use\("\/anymail", anymailExpress\(options\)\); app\.use\(express\.json\(\)\)/,
    );
    expect(events).toHaveLength(0);
  });

  it("leaves the rest of the app's JSON parsing alone", async () => {
    const response = await fetch(`${jsonFirst}/api/echo`, {
      method: "POST",
      body: '{"a":1}',
      headers: { "content-type": "application/json" },
    });
    expect(await response.json()).toEqual({ got: { a: 1 } });
  });

  it("verifies with req.rawBody when the JSON parser kept it", async () => {
    const body = JSON.stringify(trackingPayload(), null, 2);
    const response = await send(jsonWithRawBody, body);
    expect(response.status).toBe(200);
    expect(events.at(-1)?.eventType).toBe("delivered");
  });

  it("verifies with the Buffer left by express.raw()", async () => {
    const body = JSON.stringify(trackingPayload("opened"));
    expect((await send(rawFirst, body)).status).toBe(200);
    expect(events.at(-1)?.eventType).toBe("opened");
  });

  it("a tampered body is still refused when express.raw() read it", async () => {
    const body = JSON.stringify(trackingPayload());
    const response = await fetch(`${rawFirst}/anymail/test/tracking`, {
      method: "POST",
      body: body.replace("ana@", "eve@"),
      headers: signHeaders(body),
    });
    expect(response.status).toBe(401);
  });
});

describe("Express routing", () => {
  it("passes paths it does not serve on to the app", async () => {
    const app = express();
    app.use(
      anymailExpress({
        providers: [testProvider()],
        onTracking: () => {},
        logger: () => {},
      }),
    );
    app.use(express.json());
    app.post("/orders", (req, res) => {
      res.status(201).json(req.body);
    });
    const server = await listen(app);
    try {
      const response = await fetch(`${server.url}/orders`, {
        method: "POST",
        body: '{"id":7}',
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: 7 });
      const notOurs = await fetch(`${server.url}/anymail/test/inbound`, {
        method: "POST",
        body: "{}",
      });
      expect(notOurs.status).toBe(404); // Express's own 404: no onInbound configured
    } finally {
      await server.close();
    }
  });
});
