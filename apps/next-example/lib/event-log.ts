import type { TrackingEvent } from "@anymail/core";

/** A tracking event as the example keeps it: JSON-ready, timestamp as ISO text. */
export type LoggedEvent = Omit<TrackingEvent, "timestamp"> & { timestamp: string };

// Each route is bundled separately, so a module-level array could exist once per route;
// one list on globalThis is shared by every route in the server process.
const store = globalThis as typeof globalThis & { __anymailExampleEvents?: LoggedEvent[] };

/** Keeps a received event in memory (a real app would write to its database). */
export function recordEvent(event: TrackingEvent): void {
  store.__anymailExampleEvents ??= [];
  store.__anymailExampleEvents.push({ ...event, timestamp: event.timestamp.toISOString() });
}

/** Every event received since the server started, oldest first. */
export function loggedEvents(): LoggedEvent[] {
  return store.__anymailExampleEvents ?? [];
}
