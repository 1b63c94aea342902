/** Splits an address list on commas outside quotes and angle brackets. */
export function splitAddressList(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && quoted) {
      current += c + (value[++i] ?? "");
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") angle++;
    else if (!quoted && c === ">") angle = Math.max(0, angle - 1);
    if (c === "," && !quoted && angle === 0) {
      if (current.trim() !== "") out.push(current.trim());
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}

/** The addr-spec of `Name <a@b>` or `a@b`, or null when it isn't a plausible mailbox. */
export function addrSpec(value: string): string | null {
  const match = /<([^<>]*)>\s*$/.exec(value);
  const candidate = (match ? match[1]! : value).trim();
  return /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/u.test(candidate) ? candidate : null;
}

/** Every mailbox of repeated fields that may each hold a comma-separated list. */
export function mailboxes(values: readonly string[]): string[] {
  return values.flatMap(splitAddressList);
}
