import type { UnpooledClientMaker } from "./unpooled-client.js";

/** The Node build runs on Node and Bun, whose fetch never re-sends a request by itself. */
export function unpooledClientMaker(): UnpooledClientMaker | undefined {
  return undefined;
}
