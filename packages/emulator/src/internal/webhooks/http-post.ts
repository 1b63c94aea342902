import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * POSTs with node:http rather than fetch, so webhook delivery keeps working when a test in the
 * same process swaps undici's global dispatcher (e.g. for a MockAgent). URL user-info
 * (`https://user:pass@host/…`) goes out as `Authorization: Basic`, as Node does for a URL.
 */
export class HttpPoster {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  /** Resolves with the response status; rejects on network errors, timeout or abort. */
  post(
    url: string,
    headers: Record<string, string>,
    body: string | Uint8Array,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          method: "POST",
          headers: {
            ...headers,
            "content-length": String(
              typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
            ),
          },
          agent: secure ? this.httpsAgent : this.httpAgent,
          signal,
          timeout: timeoutMs,
        },
        (res) => {
          res.on("error", reject);
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.resume();
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
