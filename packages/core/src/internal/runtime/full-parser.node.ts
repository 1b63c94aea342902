import { lazyRequire } from "../lazy-require.js";
import type { FullParser } from "./full-parser.js";

let loaded: FullParser | undefined;

/** email-addresses, required on first use so importing core stays cheap. */
export function fullParser(): FullParser {
  loaded ??= lazyRequire<FullParser>("email-addresses");
  return loaded;
}
