import { resendWebhooks } from "@anymail/resend";
import { type AnymailNextHandlers, anymailNext } from "@anymail/webhooks/next";
import { recordEvent } from "../../../lib/event-log";

// Signature checks run over the raw body; the Node runtime shares the in-memory event log
// with the page that lists it. Never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Built on the first request rather than at import, so RESEND_SIGNING_SECRET is read from
// the running server's environment and `next build` (which imports routes) needs no secret.
let handlers: AnymailNextHandlers | undefined;
function anymail(): AnymailNextHandlers {
  handlers ??= anymailNext({
    providers: [resendWebhooks({ signingSecret: process.env.RESEND_SIGNING_SECRET })],
    onTracking: async (event) => {
      recordEvent(event);
    },
  });
  return handlers;
}

/** Serves POST /anymail/resend/tracking. */
export function POST(request: Request): Promise<Response> {
  return anymail().POST(request);
}

/** Answers Resend's reachability checks. */
export function HEAD(request: Request): Promise<Response> {
  return anymail().HEAD(request);
}
