import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { expect, it } from "vitest";
import { anymailFastify } from "../src/fastify.js";
import { fetchEndpoint } from "./support/endpoint.js";
import { describeWebhookEndpoint } from "./support/suite.js";

describeWebhookEndpoint("Fastify 5 plugin", async (options) => {
  const app = Fastify();
  await app.register(anymailFastify, { prefix: "/anymail", ...options });
  app.post("/api/echo", async (request) => ({ got: request.body }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  // The plugin's raw parser must stay inside its scope: the app still parses JSON.
  const echo = await fetch(`${url}/api/echo`, {
    method: "POST",
    body: '{"a":1}',
    headers: { "content-type": "application/json" },
  });
  expect(await echo.json()).toEqual({ got: { a: 1 } });

  return fetchEndpoint(url, () => app.close());
});

it("Fastify: the app outside the plugin's scope keeps parsing JSON", async () => {
  const app = Fastify();
  await app.register(anymailFastify, { prefix: "/anymail", providers: [], logger: () => {} });
  app.post("/api/echo", async (request) => ({ got: request.body }));
  const response = await app.inject({ method: "POST", url: "/api/echo", payload: { b: 2 } });
  expect(response.json()).toEqual({ got: { b: 2 } });
  await app.close();
});
