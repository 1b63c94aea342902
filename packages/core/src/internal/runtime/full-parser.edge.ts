import parseAddresses from "email-addresses";
import type { FullParser } from "./full-parser.js";

/** email-addresses, imported statically: edge runtimes have no `require` to defer it with. */
export function fullParser(): FullParser {
  return parseAddresses;
}
