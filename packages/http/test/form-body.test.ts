import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, STREAM_FORM_FILES_ABOVE } from "../src/index.js";
import { startServer } from "./support/server.js";

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer({
    // Answers what arrived: framing headers, and the fields and files the platform parser reads back.
    "/form": async (req, res, body) => {
      const form = await new Response(new Uint8Array(body), {
        headers: { "content-type": String(req.headers["content-type"]) },
      }).formData();
      const fields: [string, string][] = [];
      for (const [name, value] of form) {
        fields.push([
          name,
          typeof value === "string" ? value : `${value.name}|${value.type}|${value.size}`,
        ]);
      }
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          contentLength: req.headers["content-length"] ?? null,
          chunked: req.headers["transfer-encoding"] === "chunked",
          received: body.byteLength,
          fields,
        }),
      );
    },
  });
});

afterAll(() => server.close());

function form(fileBytes: number): FormData {
  const data = new FormData();
  data.append("to", "ana@example.org");
  data.append("to", "bob@example.org");
  data.append("subject", "Hi");
  data.append(
    "attachment",
    new Blob([new Uint8Array(fileBytes).fill(7)], { type: "application/pdf" }),
    "ré.pdf",
  );
  return data;
}

describe("FormData request bodies", () => {
  for (const transport of ["undici", "fetch"] as const) {
    it(`${transport}: small forms buffered with a Content-Length, large ones streamed`, async () => {
      const http = createHttpClient({
        provider: "Example",
        ...(transport === "fetch"
          ? { fetch: (url: URL, init: RequestInit) => fetch(url, init) }
          : {}),
      });
      try {
        for (const size of [10, STREAM_FORM_FILES_ABOVE + 1]) {
          const response = await http.request({
            method: "POST",
            url: `${server.origin}/form`,
            headers: { "content-type": "text/plain" }, // replaced by the multipart type
            body: form(size),
            timeoutMs: 10_000,
          });
          const seen = JSON.parse(response.body) as {
            contentLength: string | null;
            chunked: boolean;
            received: number;
            fields: [string, string][];
          };
          expect(seen.fields).toEqual([
            ["to", "ana@example.org"],
            ["to", "bob@example.org"],
            ["subject", "Hi"],
            ["attachment", `ré.pdf|application/pdf|${size}`],
          ]);
          if (size <= STREAM_FORM_FILES_ABOVE) {
            expect(Number(seen.contentLength)).toBe(seen.received);
          } else {
            expect(seen.chunked).toBe(true);
          }
        }
      } finally {
        await http.close();
      }
    });
  }
});
