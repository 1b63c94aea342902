/** One uploaded file of a form body. */
export interface FormFile {
  field: string;
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/**
 * A parsed `multipart/form-data` or `application/x-www-form-urlencoded` body. Repeated fields
 * (Mailgun's `to`, `o:tag`) keep every value in order.
 */
export class FormBody {
  constructor(
    readonly fields: ReadonlyMap<string, readonly string[]>,
    readonly files: readonly FormFile[],
  ) {}

  /** The first value of a field, or undefined. */
  get(name: string): string | undefined {
    return this.fields.get(name)?.[0];
  }

  /** Every value of a field, in order. */
  getAll(name: string): readonly string[] {
    return this.fields.get(name) ?? [];
  }

  /** Fields as a plain object: one value as a string, repeated values as an array. */
  toJSON(): Record<string, string | string[]> {
    const result: Record<string, string | string[]> = {};
    for (const [name, values] of this.fields) {
      result[name] = values.length === 1 ? values[0]! : [...values];
    }
    return result;
  }
}

export type ParsedBody =
  | { ok: true; json: unknown; form: FormBody | null }
  | { ok: false; message: string };

const FORM_TYPE = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

/**
 * Parses a request body by its content type: forms through the WHATWG `Request.formData()`
 * parser (undici, built into Node), everything else as JSON when non-empty.
 */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (contentType && FORM_TYPE.test(contentType)) return parseForm(raw, contentType);
  if (raw.length === 0) return { ok: true, json: undefined, form: null };
  try {
    return { ok: true, json: JSON.parse(raw.toString("utf8")), form: null };
  } catch {
    return { ok: false, message: "The request body is not valid JSON." };
  }
}

async function parseForm(raw: Buffer, contentType: string): Promise<ParsedBody> {
  let data: FormData;
  try {
    data = await new Request("http://emulator.invalid/", {
      method: "POST",
      headers: { "content-type": contentType },
      body: new Uint8Array(raw),
    }).formData();
  } catch {
    return { ok: false, message: "The request body is not a valid form." };
  }
  const fields = new Map<string, string[]>();
  const files: FormFile[] = [];
  for (const [name, value] of data) {
    if (typeof value === "string") {
      const list = fields.get(name);
      if (list) list.push(value);
      else fields.set(name, [value]);
    } else {
      files.push({
        field: name,
        filename: value.name,
        contentType: value.type || "application/octet-stream",
        content: new Uint8Array(await value.arrayBuffer()),
      });
    }
  }
  return { ok: true, json: undefined, form: new FormBody(fields, files) };
}
