import { randomUUID } from "node:crypto";
import type { Emulator } from "../../emulator.js";
import type { EmailFields } from "../../types.js";
import type { RouteContext, RouteResponse } from "../personality.js";
import { ApiError, errorResponse, invalidField, missingField } from "./api-error.js";

/** One declared template variable, as Resend's `POST /templates` takes it. */
interface TemplateVariable {
  key: string;
  type: "string" | "number";
  fallback: string | number | undefined;
}

/** A hosted template: a draft until published; only published ones can be sent. */
interface StoredTemplate {
  id: string;
  alias: string | null;
  name: string;
  subject: string | null;
  html: string;
  text: string | null;
  variables: TemplateVariable[];
  published: boolean;
}

const VARIABLE_KEY = /^[A-Za-z0-9_]{1,50}$/;
const RESERVED = new Set(["FIRST_NAME", "LAST_NAME", "EMAIL", "UNSUBSCRIBE_URL"]);
const MAX_VARIABLES = 50;
const PLACEHOLDER = /\{\{\{\s*([A-Za-z0-9_]+)\s*\}\}\}/g;

/** Templates per running emulator, so two emulators in one process never share them. */
const stores = new WeakMap<Emulator, Map<string, StoredTemplate>>();

function storeOf(emu: Emulator): Map<string, StoredTemplate> {
  let store = stores.get(emu);
  if (store === undefined) {
    store = new Map();
    stores.set(emu, store);
  }
  return store;
}

function find(emu: Emulator, idOrAlias: string): StoredTemplate | undefined {
  const store = storeOf(emu);
  return store.get(idOrAlias) ?? [...store.values()].find((t) => t.alias === idOrAlias);
}

function parseVariables(value: unknown): TemplateVariable[] | ApiError {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalidField("Invalid `variables` field. It must be an array.");
  if (value.length > MAX_VARIABLES) {
    return invalidField(`A template may contain up to ${MAX_VARIABLES} variables.`);
  }
  const variables: TemplateVariable[] = [];
  for (const item of value as Record<string, unknown>[]) {
    const key = item?.key;
    if (typeof key !== "string" || !VARIABLE_KEY.test(key) || RESERVED.has(key)) {
      return invalidField(`Invalid variable key ${JSON.stringify(key)}.`);
    }
    const type = item.type === "number" ? "number" : item.type === "string" ? "string" : null;
    if (type === null) return invalidField("Variable `type` must be `string` or `number`.");
    const fallback = item.fallback_value ?? item.fallbackValue;
    if (fallback !== undefined && fallback !== null && typeof fallback !== type) {
      return invalidField(`The fallback value of ${key} must be a ${type}.`);
    }
    variables.push({ key, type, fallback: (fallback ?? undefined) as string | number | undefined });
  }
  return variables;
}

/** `POST /templates`: creates a draft (Resend's shape: `{ id, object }`). */
export function createTemplate(ctx: RouteContext): RouteResponse {
  const input = ctx.body as Record<string, unknown> | undefined;
  if (typeof input !== "object" || input === null) return errorResponse(missingField("name"));
  if (typeof input.name !== "string" || input.name === "")
    return errorResponse(missingField("name"));
  if (typeof input.html !== "string") return errorResponse(missingField("html"));
  const variables = parseVariables(input.variables);
  if (variables instanceof ApiError) return errorResponse(variables);
  const declared = new Set(variables.map((v) => v.key));
  const sources = [input.html, input.subject, input.text].filter((s) => typeof s === "string");
  for (const source of sources as string[]) {
    for (const [, key] of source.matchAll(PLACEHOLDER)) {
      if (!declared.has(key as string)) {
        return errorResponse(
          invalidField(
            `Variable '${key}' is used in the template but not defined in the variables list`,
          ),
        );
      }
    }
  }
  const alias = typeof input.alias === "string" && input.alias !== "" ? input.alias : null;
  if (alias !== null && find(ctx.emu, alias) !== undefined) {
    return errorResponse(
      invalidField(`A template with alias ${JSON.stringify(alias)} already exists.`),
    );
  }
  const template: StoredTemplate = {
    id: randomUUID(),
    alias,
    name: input.name,
    subject: typeof input.subject === "string" ? input.subject : null,
    html: input.html,
    text: typeof input.text === "string" ? input.text : null,
    variables,
    published: false,
  };
  storeOf(ctx.emu).set(template.id, template);
  return { status: 201, body: JSON.stringify({ id: template.id, object: "template" }) };
}

/** `POST /templates/:id/publish`: makes the template sendable. */
export function publishTemplate(ctx: RouteContext): RouteResponse {
  const template = find(ctx.emu, ctx.params[0] ?? "");
  if (template === undefined)
    return errorResponse(new ApiError(404, "not_found", "Template not found"));
  template.published = true;
  return { status: 200, body: JSON.stringify({ id: template.id, object: "template" }) };
}

function render(source: string, values: Record<string, string | number>): string {
  return source.replace(PLACEHOLDER, (_, key: string) => String(values[key] ?? ""));
}

/**
 * Renders the template an email names into its subject/html/text, as Resend does when it
 * sends: unknown or unpublished templates and missing variables are errors.
 */
export function applyTemplate(emu: Emulator, fields: EmailFields): EmailFields | ApiError {
  if (fields.template === null) return fields;
  const template = find(emu, fields.template.id);
  if (template === undefined || !template.published) {
    return new ApiError(
      404,
      "not_found",
      `Template ${JSON.stringify(fields.template.id)} not found`,
    );
  }
  const given = fields.template.variables;
  const values: Record<string, string | number> = {};
  for (const variable of template.variables) {
    const value = given[variable.key] ?? variable.fallback;
    if (value === undefined) {
      return invalidField(`Missing value for template variable '${variable.key}'.`);
    }
    if (typeof value !== "string" && typeof value !== "number") {
      return invalidField(`Template variable '${variable.key}' must be a string or a number.`);
    }
    values[variable.key] = value;
  }
  const subject = fields.subject !== "" ? fields.subject : render(template.subject ?? "", values);
  if (subject === "") return missingField("subject");
  return {
    ...fields,
    subject,
    html: render(template.html, values),
    text: template.text === null ? fields.text : render(template.text, values),
  };
}
