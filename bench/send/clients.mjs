// The send clients under comparison. Each factory returns `{ send(), close() }`; `send()`
// resolves only for a real success (an id came back) and throws otherwise, so a broken client
// can't post a fast-looking number.
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import {
  apiKey,
  mailgunApiKey,
  mailgunFields,
  neutralMessage,
  postmarkPayload,
  postmarkServerToken,
  resendPayload,
} from "./message.mjs";

const userAgent = "anymail-bench/0";

function requireId(id, client) {
  if (typeof id !== "string" || id.length === 0) throw new Error(`${client}: response without id`);
}

/** The floor: undici.request through one pooled keep-alive Agent, the same JSON built per send. */
async function rawUndici(baseUrl) {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const url = `${baseUrl}/emails`;
  let sent = 0;
  return {
    async send() {
      const response = await request(url, {
        method: "POST",
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "user-agent": userAgent,
          "idempotency-key": randomUUID(),
        },
        body: JSON.stringify(resendPayload(sent++)),
      });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`raw undici: HTTP ${response.statusCode}`);
      requireId(body.id, "raw undici");
    },
    close: () => agent.close(),
  };
}

/** Node's global fetch (its bundled undici), what many hand-written integrations use. */
async function plainFetch(baseUrl) {
  const url = `${baseUrl}/emails`;
  let sent = 0;
  return {
    async send() {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "user-agent": userAgent,
          "idempotency-key": randomUUID(),
        },
        body: JSON.stringify(resendPayload(sent++)),
      });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`fetch: HTTP ${response.status}`);
      requireId(body.id, "fetch");
    },
    close: async () => {},
  };
}

/** The official `resend` SDK (6.x), pointed at the sink with its `baseUrl` option. */
async function resendSdk(baseUrl) {
  const { Resend } = await import("resend");
  const client = new Resend(apiKey, { baseUrl });
  let sent = 0;
  return {
    async send() {
      const { data, error } = await client.emails.send(resendPayload(sent++), {
        idempotencyKey: randomUUID(),
      });
      if (error) throw new Error(`resend SDK: ${error.name}: ${error.message}`);
      requireId(data?.id, "resend SDK");
    },
    close: async () => {},
  };
}

/** Ours: createMailer + resend(), default options (retries on, key generated per send). */
async function anymail(baseUrl) {
  const { createMailer } = await import("@anymail/core");
  const { resend } = await import("@anymail/resend");
  const mailer = createMailer({ provider: resend({ apiKey, apiUrl: `${baseUrl}/` }) });
  let sent = 0;
  return {
    async send() {
      const result = await mailer.send(neutralMessage(sent++));
      const recipient = Object.values(result.recipients)[0];
      if (recipient?.status !== "queued") throw new Error(`anymail: status ${recipient?.status}`);
      requireId(recipient.messageId, "anymail");
    },
    close: () => mailer.close(),
  };
}

/**
 * Diagnostic, not a way to use anymail: the Resend provider's `send()` alone with a message
 * prepared once, so the gap raw undici → this row is the provider's HTTP path and the gap
 * this row → createMailer is core's per-send pipeline (validation, checks, retries).
 */
async function providerOnly(baseUrl) {
  const { prepareMessage } = await import("@anymail/core");
  const { resend } = await import("@anymail/resend");
  const provider = resend({ apiKey, apiUrl: `${baseUrl}/` });
  const prepared = prepareMessage(neutralMessage(0));
  // One never-aborting signal shared by every send (core would make one per send); every
  // in-flight request listens on it, so lift the listener-count warning.
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return {
    async send() {
      const result = await provider.send(prepared, {
        idempotencyKey: randomUUID(),
        signal,
        deadline: Date.now() + 60_000,
        attempt: 1,
      });
      requireId(result.messageId, "resend provider");
    },
    close: () => provider.close(),
  };
}

/** The Mailgun floor: undici.request with a hand-written multipart body, one pooled Agent. */
async function rawUndiciMultipart(baseUrl) {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const url = `${baseUrl}/v3/example.com/messages`;
  const authorization = `Basic ${Buffer.from(`api:${mailgunApiKey}`).toString("base64")}`;
  let sent = 0;
  return {
    async send() {
      const boundary = `----bench${randomUUID()}`;
      let body = "";
      for (const [name, value] of mailgunFields(sent++)) {
        body += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      }
      body += `--${boundary}--\r\n`;
      const response = await request(url, {
        method: "POST",
        dispatcher: agent,
        headers: {
          authorization,
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "user-agent": userAgent,
        },
        body,
      });
      const parsed = await response.body.json();
      if (response.statusCode !== 200)
        throw new Error(`raw multipart: HTTP ${response.statusCode}`);
      requireId(parsed.id, "raw multipart");
    },
    close: () => agent.close(),
  };
}

/** Ours with Mailgun: createMailer + mailgun(), default options. */
async function anymailMailgun(baseUrl) {
  const { createMailer } = await import("@anymail/core");
  const { mailgun } = await import("@anymail/mailgun");
  const mailer = createMailer({
    provider: mailgun({ apiKey: mailgunApiKey, apiUrl: `${baseUrl}/v3` }),
  });
  let sent = 0;
  return {
    async send() {
      const result = await mailer.send(neutralMessage(sent++));
      const recipient = Object.values(result.recipients)[0];
      if (recipient?.status !== "queued")
        throw new Error(`anymail mailgun: status ${recipient?.status}`);
      requireId(recipient.messageId, "anymail mailgun");
    },
    close: () => mailer.close(),
  };
}

/** The Postmark floor: undici.request posting Postmark's JSON through one pooled Agent. */
async function rawUndiciPostmark(baseUrl) {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const url = `${baseUrl}/email`;
  let sent = 0;
  return {
    async send() {
      const response = await request(url, {
        method: "POST",
        dispatcher: agent,
        headers: {
          "x-postmark-server-token": postmarkServerToken,
          "content-type": "application/json",
          accept: "application/json",
          "user-agent": userAgent,
        },
        body: JSON.stringify(postmarkPayload(sent++)),
      });
      const parsed = await response.body.json();
      if (response.statusCode !== 200 || parsed.ErrorCode !== 0)
        throw new Error(`raw postmark: HTTP ${response.statusCode}`);
      requireId(parsed.MessageID, "raw postmark");
    },
    close: () => agent.close(),
  };
}

/** Ours with Postmark: createMailer + postmark(), default options. */
async function anymailPostmark(baseUrl) {
  const { createMailer } = await import("@anymail/core");
  const { postmark } = await import("@anymail/postmark");
  const mailer = createMailer({
    provider: postmark({ serverToken: postmarkServerToken, apiUrl: baseUrl }),
  });
  let sent = 0;
  return {
    async send() {
      const result = await mailer.send(neutralMessage(sent++));
      const recipient = Object.values(result.recipients)[0];
      if (recipient?.status !== "sent")
        throw new Error(`anymail postmark: status ${recipient?.status}`);
      requireId(recipient.messageId, "anymail postmark");
    },
    close: () => mailer.close(),
  };
}

export const sendClients = {
  "raw undici (floor)": rawUndici,
  "anymail (createMailer + resend)": anymail,
  "diagnostic: resend().send() alone, message prepared once": providerOnly,
  "resend SDK 6.x": resendSdk,
  "plain fetch": plainFetch,
  "raw undici multipart (Mailgun floor)": rawUndiciMultipart,
  "anymail (createMailer + mailgun)": anymailMailgun,
  "raw undici JSON (Postmark floor)": rawUndiciPostmark,
  "anymail (createMailer + postmark)": anymailPostmark,
};
