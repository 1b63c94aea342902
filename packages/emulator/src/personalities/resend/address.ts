const BARE_ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;.]+$/;
const NAMED_ADDRESS = /^\s*(.*?)\s*<\s*([^<>]+?)\s*>\s*$/;

/** The bare address of `addr@domain` or `Name <addr@domain>`, or null when malformed. */
export function parseMailbox(value: string): string | null {
  const named = NAMED_ADDRESS.exec(value);
  const address = named ? named[2]! : value.trim();
  return BARE_ADDRESS.test(address) ? address : null;
}

/** A string or array of strings as an array, or null when the value has another type. */
export function toStringList(value: unknown): string[] | null {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    return value as string[];
  }
  return null;
}
