/** One mailbox of a Postmark address field: the text as given and its addr-spec. */
export interface Mailbox {
  text: string;
  addrSpec: string;
}

const ADDR_SPEC = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

/** Splits a comma-separated address field, commas inside quotes or angle brackets kept. */
function splitList(field: string): string[] {
  const items: string[] = [];
  let current = "";
  let quoted = false;
  let angle = false;
  for (let i = 0; i < field.length; i++) {
    const char = field[i]!;
    if (char === "\\" && quoted) {
      current += char + (field[i + 1] ?? "");
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "<") angle = true;
    else if (!quoted && char === ">") angle = false;
    if (char === "," && !quoted && !angle) {
      items.push(current);
      current = "";
    } else current += char;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== "");
}

/**
 * Parses Postmark's comma-separated address field into mailboxes, or returns the first
 * entry that isn't an address (Postmark's "Invalid 'To' address: '…'").
 */
export function parseAddressField(field: string): { ok: Mailbox[] } | { bad: string } {
  const mailboxes: Mailbox[] = [];
  for (const text of splitList(field)) {
    const named = /<\s*([^<>]*?)\s*>\s*$/.exec(text);
    const addrSpec = (named ? named[1]! : text).trim();
    // Postmark refuses non-ASCII local parts (EAI); IDNA-encoded domains are ASCII.
    if (!ADDR_SPEC.test(addrSpec) || /[^\x20-\x7e]/.test(addrSpec)) return { bad: addrSpec };
    mailboxes.push({ text, addrSpec });
  }
  return { ok: mailboxes };
}
