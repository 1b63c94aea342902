import type { LogRecord } from "@anymail/core";
import express from "express";
import express4 from "express4";
import { describe, expect, it } from "vitest";
import {
  anymailExpress,
  EXPRESS_BODY_ALREADY_PARSED,
  keepRawBody,
  type RequestWithRawBody,
} from "../src/express.js";
import { listen } from "./support/servers.js";
import { signHeaders, testProvider, trackingPayload } from "./support/signing.js";

// Its own file: the "body already read" log is once per process (per module instance here).
describe("Express with a body parser mounted before anymail", () => {
  it("logs the mounting mistake once per process, without stray fields, and answers 500 every time", async () => {
    const logs: LogRecord[] = [];
    const servers = [];
    for (const framework of [express, express4] as const) {
      const app = framework();
      app.use(framework.json());
      app.use(
        "/anymail",
        anymailExpress({
          providers: [testProvider()],
          onTracking: () => {},
          logger: (record) => logs.push(record),
        }),
      );
      servers.push(await listen(app));
    }
    try {
      const statuses: number[] = [];
      for (const server of servers) {
        for (let attempt = 0; attempt < 3; attempt++) {
          const body = JSON.stringify(trackingPayload());
          const response = await fetch(`${server.url}/anymail/test/tracking`, {
            method: "POST",
            body,
            headers: signHeaders(body),
          });
          statuses.push(response.status);
          expect(await response.text()).toContain(EXPRESS_BODY_ALREADY_PARSED);
        }
      }
      expect(statuses).toEqual([500, 500, 500, 500, 500, 500]);
      expect(logs).toEqual([{ level: "error", message: EXPRESS_BODY_ALREADY_PARSED }]);
    } finally {
      for (const server of servers) await server.close();
    }
  });

  it("the default console logger prints the message alone (no trailing {})", async () => {
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => {
      printed.push(args);
    };
    try {
      const { consoleLogger } = await import("../src/internal/log.js");
      consoleLogger({ level: "error", message: "body already read" });
      consoleLogger({ level: "error", message: "with fields", provider: "test" });
    } finally {
      console.error = original;
    }
    expect(printed).toEqual([
      ["[anymail] body already read"],
      ["[anymail] with fields", { provider: "test" }],
    ]);
  });

  it("keepRawBody keeps the exact bytes for Express 4 and 5 parsers, typed", async () => {
    for (const framework of [express, express4] as const) {
      const app = framework();
      app.use(framework.json({ verify: keepRawBody }));
      app.post("/echo", (request, response) => {
        const raw = (request as unknown as RequestWithRawBody).rawBody;
        response.json({ raw: raw?.toString("utf8"), parsed: request.body });
      });
      const server = await listen(app);
      try {
        const body = '{ "a" : 1 }';
        const response = await fetch(`${server.url}/echo`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        expect(await response.json()).toEqual({ raw: body, parsed: { a: 1 } });
      } finally {
        await server.close();
      }
    }
  });
});
