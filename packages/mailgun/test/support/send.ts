import { createMailer, type EmailMessage, type SendResult } from "@anymail/core";
import { type MailgunOptions, mailgun } from "../../src/index.js";
import type { CaptureServer, CapturedRequest } from "./capture-server.js";

export const baseMessage: EmailMessage = {
  from: "from@example.com",
  to: "to@example.com",
  subject: "Subject",
  text: "Text Body",
};

/** The form of one captured request, with anymail-test-style accessors. */
export interface SentForm {
  request: CapturedRequest;
  form: FormData;
  /** The single value of a text field (undefined when absent; throws when repeated). */
  field(name: string): string | undefined;
  /** Every value of a repeated text field. */
  all(name: string): string[];
  /** Field names present. */
  names(): string[];
  files(name: "attachment" | "inline"): { filename: string; type: string; content: Buffer }[];
}

export async function readForm(request: CapturedRequest): Promise<SentForm> {
  const form = await request.form();
  const textValues = (name: string) =>
    form.getAll(name).filter((v): v is string => typeof v === "string");
  const fileParts: Record<string, { filename: string; type: string; content: Buffer }[]> = {};
  for (const name of ["attachment", "inline"]) {
    fileParts[name] = [];
    for (const value of form.getAll(name)) {
      if (typeof value === "string") continue;
      fileParts[name]!.push({
        filename: value.name,
        type: value.type,
        content: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return {
    request,
    form,
    field(name) {
      const values = textValues(name);
      if (values.length > 1) throw new Error(`field ${name} repeated ${values.length} times`);
      return values[0];
    },
    all: textValues,
    names: () => [...new Set([...form.keys()])],
    files: (name) => fileParts[name] ?? [],
  };
}

/** Sends through a real mailer (retries off) to the capture server; returns result and form. */
export async function sendCaptured(
  server: CaptureServer,
  message: EmailMessage,
  options: MailgunOptions = {},
): Promise<{ result: SendResult; sent: SentForm }> {
  const mailer = createMailer({
    provider: mailgun({ apiKey: "test_api_key", apiUrl: server.apiUrl, ...options }),
    retry: false,
  });
  try {
    const result = await mailer.send(message);
    return { result, sent: await readForm(server.last()) };
  } finally {
    await mailer.close();
  }
}

/** Sends and expects a rejection; returns the error and how many requests reached the server. */
export async function sendExpectingError(
  server: CaptureServer,
  message: EmailMessage,
  options: MailgunOptions = {},
): Promise<{ error: unknown; requests: number }> {
  const before = server.requests.length;
  const mailer = createMailer({
    provider: mailgun({ apiKey: "test_api_key", apiUrl: server.apiUrl, ...options }),
    retry: false,
  });
  try {
    await mailer.send(message);
  } catch (error) {
    return { error, requests: server.requests.length - before };
  } finally {
    await mailer.close();
  }
  throw new Error("expected the send to fail");
}
