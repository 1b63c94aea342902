import type { UndiciModule } from "./undici-loader.js";

/**
 * undici, or undefined where it can't be loaded (not installed, or a runtime whose module
 * graph can't hold it). Loaded on the first request, so importing a provider stays cheap.
 */
export async function loadUndici(): Promise<UndiciModule | undefined> {
  try {
    return await import("undici");
  } catch {
    return undefined;
  }
}
