import express4 from "express4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anymailExpress, EXPRESS_BODY_ALREADY_PARSED } from "../src/express.js";
import { listen, trackingRecorder } from "./support/servers.js";
import { signHeaders, trackingPayload } from "./support/signing.js";

// Express 4's body-parser 1.x marks what it consumed differently from Express 5's
// (`req._body`, and `req.body = {}` even for requests it skipped), which the adapter must read.
// The behaviour suite runs in an Express 4 app in express.test.ts.
describe("Express 4 with body-parser 1.x mounted first", () => {
  const { events, options } = trackingRecorder();
  const servers: { url: string; close: () => Promise<void> }[] = [];
  let jsonFirst: string;
  let jsonForOtherTypes: string;

  beforeAll(async () => {
    const a = express4();
    a.use(express4.json());
    a.use("/anymail", anymailExpress(options));
    // Parses only application/json: a webhook sent without that type passes through unread.
    const b = express4();
    b.use(express4.json({ type: "application/json" }));
    b.use("/anymail", anymailExpress(options));
    for (const app of [a, b]) servers.push(await listen(app));
    [jsonFirst, jsonForOtherTypes] = servers.map((s) => s.url) as [string, string];
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it("refuses JSON the parser already consumed, saying how to mount anymail", async () => {
    const body = JSON.stringify(trackingPayload(), null, 2);
    const response = await fetch(`${jsonFirst}/anymail/test/tracking`, {
      method: "POST",
      body,
      headers: { ...signHeaders(body), "content-type": "application/json" },
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain(EXPRESS_BODY_ALREADY_PARSED);
    expect(events).toHaveLength(0);
  });

  it("verifies a body the parser skipped (its `req.body = {}` is not mistaken for a parse)", async () => {
    const body = JSON.stringify(trackingPayload("opened"));
    const response = await fetch(`${jsonForOtherTypes}/anymail/test/tracking`, {
      method: "POST",
      body,
      headers: { ...signHeaders(body), "content-type": "text/plain" },
    });
    expect(response.status).toBe(200);
    expect(events.at(-1)?.eventType).toBe("opened");
  });
});
