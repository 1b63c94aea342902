import { MockAgent } from "undici";

/** One request the mock saw. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
}

/** What the mock answers to one request. */
export interface MockReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const MOCK_ORIGIN = "https://api.resend.test";
export const MOCK_KEY = "re_test_secret_key_123";

function headerRecord(headers: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      result[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    }
  } else if (headers !== null && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = String(value);
  }
  return result;
}

/**
 * An undici MockAgent standing in for Resend. `replies` are used in order; a function
 * computes a reply from the request. Requests with no reply left fail the test loudly.
 */
export function mockResend() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(MOCK_ORIGIN);
  const requests: RecordedRequest[] = [];
  let closing: Promise<void> | undefined;

  function queue(reply: MockReply | ((request: RecordedRequest) => MockReply)) {
    pool.intercept({ path: () => true, method: () => true }).reply((options) => {
      const body = typeof options.body === "string" ? options.body : String(options.body ?? "");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request: RecordedRequest = {
        method: options.method,
        path: options.path,
        headers: headerRecord(options.headers),
        body,
        json,
      };
      requests.push(request);
      const answer = typeof reply === "function" ? reply(request) : reply;
      const data =
        answer.body === undefined
          ? ""
          : typeof answer.body === "string"
            ? answer.body
            : JSON.stringify(answer.body);
      return {
        statusCode: answer.status,
        data,
        responseOptions: {
          headers: { "content-type": "application/json; charset=utf-8", ...answer.headers },
        },
      };
    });
  }

  return {
    agent,
    requests,
    /** Answers the next request. */
    reply(reply: MockReply | ((request: RecordedRequest) => MockReply)) {
      queue(reply);
    },
    /** Answers the next request with `{id}`. */
    replyId(id = "4ef9a417-02e9-4d39-ad75-9611e0fcc33c") {
      queue({ status: 200, body: { id } });
    },
    /** Answers batch requests with one generated id per element. */
    replyBatch(times = 1) {
      for (let call = 0; call < times; call++) {
        queue((request) => ({
          status: 200,
          body: {
            data: (request.json as unknown[]).map((_, i) => ({ id: `batch-${call + 1}-${i}` })),
          },
        }));
      }
    },
    /** Fails the next request at the network level. */
    replyNetworkError(message = "socket hang up") {
      pool
        .intercept({ path: () => true, method: () => true })
        .replyWithError(Object.assign(new Error(message), { code: "ECONNRESET" }));
    },
    /** Answers the next request only after `ms` (to provoke timeouts). */
    replyDelayed(ms: number) {
      pool
        .intercept({ path: () => true, method: () => true })
        .reply(200, { id: "late" })
        .delay(ms);
    },
    close() {
      closing ??= agent.close();
      return closing;
    },
  };
}
