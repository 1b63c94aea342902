import type { IncomingMessage, ServerResponse } from "node:http";

/** What a route answers; the server adds rate-limit headers and writes it. JSON unless `contentType` says otherwise. */
export interface RouteResponse {
  status: number;
  body: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export const JSON_TYPE = "application/json; charset=utf-8";

export const json = (status: number, value: unknown): RouteResponse => ({
  status,
  body: JSON.stringify(value),
});

export function writeResponse(
  res: ServerResponse,
  response: RouteResponse,
  extraHeaders?: Record<string, string>,
): void {
  const body = response.body;
  res.writeHead(response.status, {
    "content-type": response.contentType ?? JSON_TYPE,
    "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
    ...extraHeaders,
    ...response.headers,
  });
  res.end(body);
}

export class BodyTooLargeError extends Error {}

/** Reads the request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
