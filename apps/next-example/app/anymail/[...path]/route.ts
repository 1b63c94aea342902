import { resendWebhooks } from "@anymail/resend";
import { anymailNext } from "@anymail/webhooks/next";
import { recordEvent } from "../../../lib/event-log";

// Signature checks use svix over the raw body: Node runtime, and never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Serves POST /anymail/resend/tracking (and /anymail/resend/inbound once a secret is set). */
export const { POST, HEAD } = anymailNext({
  providers: [resendWebhooks({ signingSecret: process.env.RESEND_SIGNING_SECRET })],
  onTracking: async (event) => {
    recordEvent(event);
  },
});
