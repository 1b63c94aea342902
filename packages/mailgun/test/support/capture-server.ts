import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it arrived on the wire. */
export interface CapturedRequest {
  method: string;
  /** Path and query, exactly as sent (percent-encoding kept). */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed by the Web platform's own multipart parser. */
  form(): Promise<FormData>;
}

/** What the server answers next. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or bytes sent as is; an object as JSON. */
  body?: unknown;
  /** Destroy the socket instead of answering. */
  destroy?: boolean;
}

export interface CaptureServer {
  /** `http://127.0.0.1:<port>/v3` */
  apiUrl: string;
  url: string;
  requests: CapturedRequest[];
  /** Answers queued here are used once each, in order; then `options.always`, else a 200 queued. */
  respond(...responses: ScriptedResponse[]): void;
  last(): CapturedRequest;
  close(): Promise<void>;
}

export const QUEUED = {
  id: "<20160306015544.116301.25145@example.com>",
  message: "Queued. Thank you.",
};

/** A local HTTP server recording each request and answering like Mailgun's send API. */
export async function startCaptureServer(
  options: { always?: ScriptedResponse } = {},
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = req.headers;
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      headers,
      body,
      form: () =>
        new Response(body, {
          headers: { "content-type": String(headers["content-type"] ?? "") },
        }).formData(),
    });
    const scripted = queue.shift() ?? options.always ?? {};
    if (scripted.destroy) {
      req.socket.destroy();
      return;
    }
    const payload = scripted.body ?? QUEUED;
    const isRaw = typeof payload === "string" || payload instanceof Uint8Array;
    res.writeHead(scripted.status ?? 200, {
      "content-type": isRaw ? "text/plain" : "application/json",
      ...scripted.headers,
    });
    res.end(isRaw ? payload : JSON.stringify(payload));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/v3`,
    requests,
    respond: (...responses) => queue.push(...responses),
    last: () => {
      const request = requests.at(-1);
      if (request === undefined) throw new Error("no request captured");
      return request;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
