import { postgresTimestamp } from "./time-format.js";

/** The fields every Resend email object starts with, sent or received. */
export function emailEnvelope(email: {
  id: string;
  to: string[];
  from: string;
  createdAt: number;
  subject: string;
  bcc: string[] | null;
  cc: string[] | null;
  replyTo: string[] | null;
}) {
  return {
    id: email.id,
    to: email.to,
    from: email.from,
    created_at: postgresTimestamp(email.createdAt),
    subject: email.subject,
    bcc: email.bcc,
    cc: email.cc,
    reply_to: email.replyTo,
  };
}
