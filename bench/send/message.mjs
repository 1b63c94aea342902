// The message every client sends, in anymail's neutral form and in Resend's JSON form, so
// every row posts the same bytes (give or take the User-Agent each client names itself by).
// The recipient differs per send, as in real transactional mail: core memoizes address
// parses, and a constant `to` would measure only cache hits. `from` stays constant (cached,
// as it would be in an app).
export const apiKey = "re_bench_0123456789abcdef";

const from = "Shop <shop@example.com>";
const subject = "Your order has shipped";
const text = "Hi, your order is on its way. Track it at https://example.com/t/4411";
const html =
  '<p>Hi,</p><p>Your order is on its way. <a href="https://example.com/t/4411">Track it</a>.</p>';

const recipient = (n) => `Customer ${n} <customer${n}@example.org>`;

/** The n-th send in anymail's neutral form. */
export function neutralMessage(n) {
  return { from, to: recipient(n), subject, text, html };
}

/** The n-th send as Resend's `POST /emails` JSON body (what anymail builds from the above). */
export function resendPayload(n) {
  return { from, to: [recipient(n)], subject, text, html };
}

export const mailgunApiKey = "key-bench-0123456789abcdef";

/** The n-th send as Mailgun form fields (what anymail builds from `neutralMessage(n)`). */
export function mailgunFields(n) {
  return [
    ["from", from],
    ["to", recipient(n)],
    ["subject", subject],
    ["text", text],
    ["html", html],
  ];
}

export const postmarkServerToken = "pm-bench-0123456789abcdef";

/** The n-th send as Postmark's `POST /email` JSON body (what anymail builds from `neutralMessage(n)`). */
export function postmarkPayload(n) {
  return { From: from, To: recipient(n), Subject: subject, TextBody: text, HtmlBody: html };
}
