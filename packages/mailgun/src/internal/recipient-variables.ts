import type { PreparedMessage } from "@anymail/core";
import { titleCaseHeaderName } from "./header-names.js";

type Data = Record<string, unknown>;

/** The custom data (`v:` fields), `h:` overrides and `recipient-variables` of one send. */
export interface RecipientVariablesPlan {
  /** `v:<key>` values: metadata, then `%recipient.…%` indirections. */
  customData: Map<string, unknown>;
  /** `h:<Name>` fields that become `%recipient.h:<Name>%`. */
  headerFields: Map<string, string>;
  /** JSON for the `recipient-variables` field, or undefined when none is needed. */
  recipientVariables?: string;
}

function keysOf(perRecipient: Readonly<Record<string, Readonly<Data>>> | undefined): string[] {
  const keys = new Set<string>();
  for (const data of Object.values(perRecipient ?? {}))
    for (const key of Object.keys(data)) keys.add(key);
  return [...keys];
}

/**
 * Maps metadata, merge data, merge metadata and merge headers onto Mailgun's two
 * mechanisms, as anymail does: custom data (`v:`; echoed to webhooks, and the
 * substitutions of stored templates) and per-recipient `recipient-variables` (which make
 * the send a batch). Per-recipient metadata reaches custom data through
 * `%recipient.v:key%`, per-recipient headers through `%recipient.h:Name%`, and with a
 * stored template merge data through `%recipient.key%`. Every recipient gets every key:
 * missing metadata falls back to `metadata`, then to `""`; missing merge data to
 * `mergeGlobalData`, then to `""`; missing headers to `headers`, then to `""`.
 *
 * @param headerValues the `h:` fields already set from `headers`, by title-cased name
 */
export function planRecipientVariables(
  message: PreparedMessage,
  headerValues: ReadonlyMap<string, string>,
): RecipientVariablesPlan {
  const toEmails = message.to.map((a) => a.addrSpec);
  const metadata: Data = { ...(message.metadata ?? {}) };
  const customData = new Map<string, unknown>(Object.entries(metadata));
  const headerFields = new Map<string, string>();
  const variables = new Map<string, Data>();
  const forRecipient = (email: string): Data => {
    let data = variables.get(email);
    if (data === undefined) {
      data = {};
      variables.set(email, data);
    }
    return data;
  };

  const mergeMetadata = message.mergeMetadata ?? {};
  const metadataKeys = keysOf(message.mergeMetadata);
  if (metadataKeys.length > 0) {
    for (const key of metadataKeys) customData.set(key, `%recipient.v:${key}%`);
    for (const email of toEmails) {
      const data = forRecipient(email);
      const own = mergeMetadata[email] ?? {};
      for (const key of metadataKeys) {
        data[`v:${key}`] = key in own ? own[key] : key in metadata ? metadata[key] : "";
      }
    }
  }

  const mergeData = message.mergeData ?? {};
  const globalData = message.mergeGlobalData ?? {};
  const dataKeys = [...new Set([...keysOf(message.mergeData), ...Object.keys(globalData)])];
  if (dataKeys.length > 0) {
    for (const email of toEmails) {
      const data = forRecipient(email);
      const own = mergeData[email] ?? {};
      for (const key of dataKeys) {
        data[key] = key in own ? own[key] : key in globalData ? globalData[key] : "";
      }
    }
    if (message.templateId !== undefined) {
      // Stored templates read custom data, not recipient-variables. A key also used by
      // metadata is refused before sending (see the feature table).
      for (const key of dataKeys) customData.set(key, `%recipient.${key}%`);
    }
  }

  const mergeHeaders = message.mergeHeaders ?? {};
  const headerNames = new Map<string, string>(); // title-cased → as given, first spelling
  for (const headers of Object.values(mergeHeaders)) {
    for (const name of Object.keys(headers)) {
      const titled = titleCaseHeaderName(name);
      if (!headerNames.has(titled)) headerNames.set(titled, name);
    }
  }
  if (headerNames.size > 0) {
    for (const titled of headerNames.keys()) headerFields.set(titled, `%recipient.h:${titled}%`);
    for (const email of toEmails) {
      const data = forRecipient(email);
      const own = new Map(
        Object.entries(mergeHeaders[email] ?? {}).map(([name, value]) => [
          titleCaseHeaderName(name),
          value,
        ]),
      );
      for (const titled of headerNames.keys()) {
        data[`h:${titled}`] = own.get(titled) ?? headerValues.get(titled) ?? "";
      }
    }
  }

  const plan: RecipientVariablesPlan = { customData, headerFields };
  if (variables.size > 0 || message.isBatch) {
    plan.recipientVariables = JSON.stringify(Object.fromEntries(variables));
  }
  return plan;
}

/** Keys used both by merge data and by (merge) metadata: they would share one custom-data field with a stored template. */
export function conflictingTemplateKeys(message: PreparedMessage): string[] {
  if (message.templateId === undefined) return [];
  const dataKeys = new Set([
    ...keysOf(message.mergeData),
    ...Object.keys(message.mergeGlobalData ?? {}),
  ]);
  if (dataKeys.size === 0) return [];
  const metadataKeys = new Set([
    ...Object.keys(message.metadata ?? {}),
    ...keysOf(message.mergeMetadata),
  ]);
  return [...dataKeys].filter((key) => metadataKeys.has(key));
}
