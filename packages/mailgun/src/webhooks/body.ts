import { AnymailInvalidWebhookPayload, type RawWebhookRequest } from "@anymail/core";

/** A form post's fields in order, repeats kept; files apart. */
export interface FormFields {
  /** `[name, value]` for every text field, in order. */
  readonly entries: readonly [string, string][];
  readonly files: ReadonlyMap<string, File>;
  has(name: string): boolean;
  first(name: string): string | undefined;
  last(name: string): string | undefined;
  all(name: string): string[];
}

/** A Mailgun webhook body: JSON (current webhooks) or a form (legacy webhooks, inbound routes). */
export type MailgunBody =
  | { readonly type: "json"; readonly json: Record<string, unknown> }
  | { readonly type: "form"; readonly form: FormFields };

function mediaType(headers: Headers): string {
  return (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

function fieldsOf(form: FormData): FormFields {
  const entries: [string, string][] = [];
  const files = new Map<string, File>();
  for (const [name, value] of form) {
    if (typeof value === "string") entries.push([name, value]);
    else if (!files.has(name)) files.set(name, value);
  }
  const all = (name: string) => entries.filter(([n]) => n === name).map(([, v]) => v);
  return {
    entries,
    files,
    has: (name) => entries.some(([n]) => n === name) || files.has(name),
    first: (name) => entries.find(([n]) => n === name)?.[1],
    last: (name) => all(name).at(-1),
    all,
  };
}

/**
 * Parses the raw bytes by content type. Forms go through the platform's own parser
 * (`Response.formData()`: urlencoded and multipart, files included), which every runtime
 * anymail supports has.
 */
export async function parseMailgunBody(request: RawWebhookRequest): Promise<MailgunBody> {
  const type = mediaType(request.headers);
  if (type === "application/json") {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(request.body));
    } catch (cause) {
      throw new AnymailInvalidWebhookPayload("Mailgun webhook body is not valid JSON", { cause });
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new AnymailInvalidWebhookPayload("Mailgun webhook JSON is not an object");
    }
    return { type: "json", json: json as Record<string, unknown> };
  }
  if (type === "multipart/form-data" || type === "application/x-www-form-urlencoded") {
    try {
      const form = await new Response(request.body as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": request.headers.get("content-type") ?? type },
      }).formData();
      return { type: "form", form: fieldsOf(form) };
    } catch (cause) {
      throw new AnymailInvalidWebhookPayload("Mailgun webhook form body could not be parsed", {
        cause,
      });
    }
  }
  throw new AnymailInvalidWebhookPayload(
    `Mailgun webhook has an unexpected content type '${type || "(none)"}'`,
  );
}
