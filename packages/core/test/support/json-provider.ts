// A small but real HTTP provider for the conformance suite's own tests: it POSTs JSON to
// `<apiUrl>send` with fetch and reads the answer `{ id, refused?: { [addrSpec]: status } }`.
// `broken` makes it wrong in exactly one way, to prove the suite notices.
import {
  AnymailAPIError,
  type FeatureQuirk,
  type PreparedMessage,
  type Provider,
  type RecipientStatus,
  type SendResult,
} from "../../src/index.js";

export type Breakage = "template" | "quirk" | "refusal" | "payload";

export function jsonProvider(apiUrl: string, broken?: Breakage): Provider {
  const quirks: FeatureQuirk[] = [];
  if (broken !== "quirk") {
    quirks.push({
      feature: "multiple tags",
      description: "one tag per message",
      when: (m) => (m.tags?.length ?? 0) > 1,
    });
  }
  if (broken !== "template") {
    quirks.push({
      feature: "subject, text or html with templateId",
      description: "the template supplies them",
      when: (m) =>
        m.templateId !== undefined &&
        (m.subject !== undefined || m.text !== undefined || m.html !== undefined),
    });
  }
  return {
    name: "Json",
    features: { unsupported: [], quirks },
    async send(message: PreparedMessage, context) {
      const body: Record<string, unknown> = {
        from: message.from.address,
        to: message.to.map((a) => a.address),
      };
      const withTemplate = message.templateId !== undefined && broken !== "template";
      if (!withTemplate) {
        if (message.subject !== undefined)
          body[broken === "payload" ? "title" : "subject"] = message.subject;
        if (message.text !== undefined) body.text = message.text;
        if (message.html !== undefined) body.html = message.html;
      }
      if (message.templateId !== undefined) {
        body.template = { id: message.templateId, data: message.mergeGlobalData ?? {} };
      }
      if (message.tags !== undefined) body.tag = message.tags[0];
      const response = await fetch(new URL("send", apiUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: context.signal,
      });
      const answer = (await response.json()) as {
        id?: string;
        refused?: Record<string, "invalid" | "rejected">;
      };
      if (!response.ok) {
        throw new AnymailAPIError(`Json API error ${response.status}`, {
          provider: "Json",
          statusCode: response.status,
        });
      }
      const recipients: Record<string, RecipientStatus> = {};
      for (const address of [...message.to, ...message.cc, ...message.bcc]) {
        const refused = broken === "refusal" ? undefined : answer.refused?.[address.addrSpec];
        recipients[address.addrSpec] ??=
          refused === undefined
            ? { status: "sent", messageId: answer.id ?? "" }
            : { status: refused };
      }
      const result: SendResult = {
        status: new Set(Object.values(recipients).map((r) => r.status)),
        recipients,
      };
      if (answer.id !== undefined) result.messageId = answer.id;
      return result;
    },
  };
}
