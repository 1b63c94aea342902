import { loggedEvents } from "../../../lib/event-log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The tracking events received so far, for the example's test (and your curiosity). */
export function GET(): Response {
  return Response.json(loggedEvents());
}
