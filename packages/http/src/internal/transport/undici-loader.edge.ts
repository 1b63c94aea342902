import type { UndiciModule } from "./undici-loader.js";

/**
 * The edge build never loads undici (it needs `node:net` and friends, which a Worker bundle
 * can't hold): requests go through the runtime's `fetch`.
 */
export async function loadUndici(): Promise<UndiciModule | undefined> {
  return undefined;
}
