import { randomBytes } from "node:crypto";

/** A fresh svix-style signing secret (`whsec_` + base64), shared with the in-process emulator. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}
