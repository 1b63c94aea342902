/** `2026-11-20 10:15:03.120000+00`: the Postgres-style text Resend uses on REST email objects. */
export function postgresTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00`;
}

/** `2026-11-20T10:15:03.120000+00:00`: the microsecond form used inside webhook `data`. */
export function microsecondTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23)}000+00:00`;
}

/** `2026-11-20T10:15:03.120Z`: the webhook envelope form. */
export function isoTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
