/**
 * The display name, local part and domain of one mailbox, as the RFC 5322 parser
 * reports them (`displayName` is `""` when there is none).
 */
export interface RawMailbox {
  readonly displayName: string;
  readonly username: string;
  readonly domain: string;
}

// RFC 5322 atext, ASCII only: anything else goes to the full parser.
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-";
const DOT_ATOM = `[${ATEXT}]+(?:\\.[${ATEXT}]+)*`;
// Letters, digits and hyphens, dot-separated: what real domains look like.
const LDH_DOMAIN = "[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*";
// qtext without escapes, words separated by single spaces (the parser collapses runs).
const QUOTED_WORDS = "[!#-\\[\\]-~]+(?: [!#-\\[\\]-~]+)*";

const BARE = new RegExp(`^(${DOT_ATOM})@(${LDH_DOMAIN})$`);
const NAMED = new RegExp(
  `^(?:([${ATEXT}]+(?: [${ATEXT}]+)*)|"(${QUOTED_WORDS})") <(${DOT_ATOM})@(${LDH_DOMAIN})>$`,
);

/**
 * Recognises the two shapes nearly all real input has — `local@domain` and
 * `Display Name <local@domain>` — without the general RFC 5322 parser, which costs
 * ~20 µs per new address. Strict on purpose: whatever it accepts, the full parser
 * reads identically (a corpus test pins that); everything else returns undefined and
 * goes to the full parser.
 */
export function matchSimpleMailbox(input: string): RawMailbox | undefined {
  const bare = BARE.exec(input);
  if (bare !== null) return { displayName: "", username: bare[1]!, domain: bare[2]! };
  const named = NAMED.exec(input);
  if (named === null) return undefined;
  return { displayName: named[1] ?? named[2]!, username: named[3]!, domain: named[4]! };
}
