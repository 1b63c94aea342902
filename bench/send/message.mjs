// The one message every client sends, in anymail's neutral form and in Resend's JSON form,
// so every row posts the same bytes (give or take the User-Agent each client names itself by).
export const apiKey = "re_bench_0123456789abcdef";

export const neutralMessage = {
  from: "Shop <shop@example.com>",
  to: "Ana Example <ana@example.org>",
  subject: "Your order #4411 has shipped",
  text: "Hi Ana, your order #4411 is on its way. Track it at https://example.com/t/4411",
  html: '<p>Hi Ana,</p><p>Your order <b>#4411</b> is on its way. <a href="https://example.com/t/4411">Track it</a>.</p>',
};

export const resendPayload = {
  from: neutralMessage.from,
  to: [neutralMessage.to],
  subject: neutralMessage.subject,
  text: neutralMessage.text,
  html: neutralMessage.html,
};
