import type emailAddresses from "email-addresses";

/**
 * The complete RFC 5322/6532 address parser. Two builds load it: `full-parser.node.ts`
 * (on first use: it adds ~20 ms to importing core) and `full-parser.edge.ts` (a static
 * import a Worker bundle can hold; there is no `require`). See tsup.base.ts.
 */
export type FullParser = typeof emailAddresses;
