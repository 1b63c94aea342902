/** Lower-cases ASCII only, as header names compare. */
function sameName(candidate: string, lowerName: string): boolean {
  return candidate.length === lowerName.length && candidate.toLowerCase() === lowerName;
}

/** Headers strip only HTTP whitespace from values (not e.g. U+00A0, which `trim` would). */
function stripHttpWhitespace(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;
  if (!isSpace(first) && !isSpace(last)) return value;
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

/**
 * The `Headers` of a Node request, copied from `rawHeaders` only when something needs
 * more than `get`/`has`. Providers read a handful of headers per delivery; building a full
 * `Headers` (validating and sorting every header) was a measurable share of each request.
 *
 * `get`/`has` answer from the raw list exactly as a `Headers` filled by `append` would:
 * case-insensitive names, repeated headers joined with ", ". Every other method (and
 * passing it to `new Request`/`new Headers`, which iterate it) copies the list first.
 */
export class NodeRequestHeaders extends Headers {
  #raw: readonly string[] | undefined;

  constructor(rawHeaders: readonly string[]) {
    super();
    this.#raw = rawHeaders;
  }

  /** Copies the raw headers into the real `Headers` list, once. */
  #copy(): void {
    const raw = this.#raw;
    if (raw === undefined) return;
    this.#raw = undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      // HTTP/2 pseudo-headers (":path") are not valid header names for `Headers`.
      if (name.charCodeAt(0) !== 58) super.append(name, raw[i + 1]!);
    }
  }

  override get(name: string): string | null {
    const raw = this.#raw;
    if (raw === undefined) return super.get(name);
    const lowerName = String(name).toLowerCase();
    // Same refusal as Headers for a name that can't be a header (and ":pseudo" names).
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lowerName)) return super.get(name);
    let value: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (sameName(raw[i]!, lowerName)) {
        const item = stripHttpWhitespace(raw[i + 1]!);
        value = value === null ? item : `${value}, ${item}`;
      }
    }
    return value;
  }

  override has(name: string): boolean {
    const raw = this.#raw;
    if (raw === undefined) return super.has(name);
    return this.get(name) !== null;
  }

  override append(name: string, value: string): void {
    this.#copy();
    super.append(name, value);
  }

  override set(name: string, value: string): void {
    this.#copy();
    super.set(name, value);
  }

  override delete(name: string): void {
    this.#copy();
    super.delete(name);
  }

  override getSetCookie(): string[] {
    this.#copy();
    return super.getSetCookie();
  }

  override forEach(
    callback: (value: string, key: string, parent: Headers) => void,
    thisArg?: unknown,
  ): void {
    this.#copy();
    super.forEach(callback, thisArg);
  }

  override entries(): HeadersIterator<[string, string]> {
    this.#copy();
    return super.entries();
  }

  override keys(): HeadersIterator<string> {
    this.#copy();
    return super.keys();
  }

  override values(): HeadersIterator<string> {
    this.#copy();
    return super.values();
  }

  /** `console.log(headers)` shows every header, as for any `Headers`. */
  [inspectCustom](...args: unknown[]): unknown {
    this.#copy();
    const inspect = (Headers.prototype as unknown as Record<symbol, unknown>)[inspectCustom];
    return typeof inspect === "function" ? inspect.apply(this, args) : this;
  }

  // `new Request(url, { headers })` and `new Headers(headers)` read a Headers subclass
  // through this iterator (not its internal list), so they see every header.
  override [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
}
