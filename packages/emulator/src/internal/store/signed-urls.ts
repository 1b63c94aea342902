import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const LIFETIME_MS = 3_600_000;

/** Download links that need no API key, like Resend's CDN links: an HMAC over path and expiry. */
export class UrlSigner {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number) {}

  sign(baseUrl: string, path: string): { download_url: string; expires_at: string } {
    const expires = this.now() + LIFETIME_MS;
    const signature = this.mac(path, expires);
    return {
      download_url: `${baseUrl}${path}?expires=${expires}&signature=${signature}`,
      expires_at: new Date(expires).toISOString(),
    };
  }

  /** "ok", "expired" or "invalid". */
  verify(
    path: string,
    expires: string | null,
    signature: string | null,
  ): "ok" | "expired" | "invalid" {
    if (!expires || !signature || !/^\d+$/.test(expires)) return "invalid";
    const expected = Buffer.from(this.mac(path, Number(expires)));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
    return Number(expires) < this.now() ? "expired" : "ok";
  }

  private mac(path: string, expires: number): string {
    return createHmac("sha256", this.key).update(`${path}\n${expires}`).digest("base64url");
  }
}
