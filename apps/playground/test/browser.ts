import { existsSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * Why the browser tests can't run here, or undefined when they can. With
 * ANYMAIL_REQUIRE_BROWSER set a missing browser is a failure, not a skip.
 */
export function browserUnavailableReason(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  const reason = `Chromium not found at ${chromiumPath} (set CHROMIUM_PATH or install chromium)`;
  if (process.env.ANYMAIL_REQUIRE_BROWSER) {
    throw new Error(`ANYMAIL_REQUIRE_BROWSER is set but ${reason}`);
  }
  // vitest's default reporter hides skipped titles; say it where everyone looks.
  console.warn(`[playground tests] browser tests skipped: ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Screenshots land here; turbo keeps them as the test task's outputs. */
export const artifactsDir = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
mkdirSync(artifactsDir, { recursive: true });
