import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { anymailNext } from "../src/next.js";
import { streamingSend } from "./support/endpoint.js";
import { describeWebhookEndpoint } from "./support/suite.js";

// The route file app/anymail/[...path]/route.ts does `export const { POST, HEAD } = anymailNext(...)`;
// Next calls them with a NextRequest. Next itself answers 405 for methods not exported.
describeWebhookEndpoint(
  "Next 16 App Router route handlers",
  async (options) => {
    const { POST, HEAD } = anymailNext(options);
    const send = (path: string, init: RequestInit) => {
      const request = new NextRequest(
        new URL(path, "https://app.example"),
        init as ConstructorParameters<typeof NextRequest>[1],
      );
      if (request.method === "HEAD") return HEAD(request);
      if (request.method === "POST") return POST(request);
      throw new Error(`Next would answer ${request.method} itself`);
    };
    return { send, sendSlowly: streamingSend(send), close: async () => {} };
  },
  { wrongMethod: false },
);

describe("anymailNext", () => {
  it("exports exactly POST and HEAD", () => {
    expect(Object.keys(anymailNext({ providers: [], logger: () => {} })).sort()).toEqual([
      "HEAD",
      "POST",
    ]);
  });
});
