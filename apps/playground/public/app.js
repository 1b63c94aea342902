// The playground page: plain DOM, no framework. Every dynamic value goes through
// textContent (never innerHTML) because event payloads and errors are untrusted text.

const $ = (selector, root = document) => root.querySelector(selector);

/** Creates an element; string children become text nodes. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function json(value) {
  return JSON.stringify(value, null, 2);
}

async function fileToPayload(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return {
    filename: file.name,
    ...(file.type ? { contentType: file.type } : {}),
    contentBase64: btoa(binary),
  };
}

async function filesOf(input) {
  return Promise.all([...(input.files ?? [])].map(fileToPayload));
}

async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: { name: "HTTPError", code: `http_${response.status}`, message: text },
    };
  }
}

// ---------- header / mode / provider ----------

/** The providers the server offers (`/api/info`), and the one the forms use. */
let providers = [];
let current;

async function loadInfo() {
  const info = await (await fetch("/api/info")).json();
  const mode = $("#mode");
  mode.dataset.mode = info.mode;
  mode.textContent =
    info.mode === "resend"
      ? "REAL RESEND — messages are really sent (RESEND_API_KEY is set)"
      : "Emulator — nothing leaves this machine";
  providers = info.providers ?? [];
  const select = $("#provider");
  select.replaceChildren(
    ...providers.map((provider) => h("option", { value: provider.id }, provider.title)),
  );
  select.disabled = providers.length < 2;
  select.value = info.provider;
  applyProvider(info.provider, info.webhooks.enabled);
  select.addEventListener("change", () => applyProvider(select.value, info.webhooks.enabled));
}

/** Points the page at one provider: its endpoints, quirks table and sample recipient. */
function applyProvider(id, webhooksEnabled) {
  const previous = current;
  current = providers.find((provider) => provider.id === id) ?? providers[0];
  document.body.dataset.provider = current.id;
  $("#endpoints").replaceChildren(
    h("span", {}, "API ", h("code", { "data-testid": "api-url" }, current.apiUrl)),
    webhooksEnabled
      ? h("span", {}, "webhooks ", h("code", {}, current.webhooks.tracking))
      : h(
          "span",
          { class: "warn" },
          "webhooks off: set RESEND_SIGNING_SECRET and expose /anymail/resend/tracking",
        ),
  );
  // Swap the prefilled recipient only while it is still the previous provider's sample.
  const to = $("[data-testid=field-to]");
  if (previous === undefined || to.value === previous.sampleTo) to.value = current.sampleTo;
  $("#receive").disabled = !current.inboundSimulator;
  if (!current.inboundSimulator) {
    $("#inbound-result").textContent =
      "The inbound simulator needs the emulator (unset RESEND_API_KEY). Real inbound mail still arrives at /anymail/resend/inbound.";
  }
  $("#quirks-title").textContent = `${current.title} quirks`;
  renderQuirks(current.quirks);
}

/** Markdown-ish `code` spans in the provider's descriptions become <code> elements. */
function withCode(text) {
  return text.split("`").map((part, index) => (index % 2 === 1 ? h("code", {}, part) : part));
}

function renderQuirks(quirks) {
  const rows = quirks.map((quirk) =>
    h(
      "tr",
      { "data-testid": "quirk-row" },
      h("td", { class: "mono" }, quirk.feature),
      h("td", {}, quirk.kind),
      h("td", {}, withCode(quirk.description ?? "")),
    ),
  );
  $("#quirks").replaceChildren(
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, h("th", {}, "feature"), h("th", {}, "kind"), h("th", {}, "what"))),
      h("tbody", {}, rows),
    ),
  );
}

// ---------- compose ----------

function headerRow(name = "", value = "") {
  const row = h(
    "div",
    { class: "row kv", "data-testid": "header-row" },
    h("input", { class: "mono", placeholder: "X-Header-Name", value: name, "data-role": "name" }),
    h("input", { placeholder: "value", value, "data-role": "value" }),
    h(
      "button",
      { type: "button", class: "small ghost", onclick: () => row.remove(), title: "remove" },
      "×",
    ),
  );
  return row;
}

function batchRow(to = "", mergeMetadata = "", mergeData = "", mergeHeaders = "") {
  const row = h(
    "div",
    { class: "row kv", "data-testid": "batch-row" },
    h("input", {
      placeholder: "ana@example.org",
      value: to,
      "data-role": "to",
      "data-testid": "batch-to",
    }),
    h("input", {
      class: "mono",
      placeholder: '{"customer": 1}',
      value: mergeMetadata,
      "data-role": "mergeMetadata",
      "data-testid": "batch-merge-metadata",
    }),
    h("input", {
      class: "mono",
      placeholder: 'mergeData {"NAME": "Ana"}',
      value: mergeData,
      "data-role": "mergeData",
      "data-testid": "batch-merge-data",
    }),
    h("input", {
      class: "mono",
      placeholder: 'mergeHeaders {"X-Ref": "1"}',
      value: mergeHeaders,
      "data-role": "mergeHeaders",
      "data-testid": "batch-merge-headers",
    }),
    h(
      "button",
      { type: "button", class: "small ghost", onclick: () => row.remove(), title: "remove" },
      "×",
    ),
  );
  return row;
}

async function collectCompose(form) {
  const field = (name) => form.elements.namedItem(name).value;
  const sendAtLocal = field("sendAt");
  return {
    from: field("from"),
    to: field("to"),
    cc: field("cc"),
    bcc: field("bcc"),
    replyTo: field("replyTo"),
    subject: field("subject"),
    text: field("text"),
    html: field("html"),
    tags: field("tags"),
    metadata: field("metadata"),
    // datetime-local has no zone: read it as the browser's local time and send ISO with offset.
    sendAt: sendAtLocal ? new Date(sendAtLocal).toISOString() : "",
    trackClicks: form.elements.namedItem("trackClicks").checked,
    trackOpens: form.elements.namedItem("trackOpens").checked,
    templateId: field("templateId"),
    mergeGlobalData: field("mergeGlobalData"),
    envelopeSender: field("envelopeSender"),
    idempotencyKey: field("idempotencyKey"),
    espExtra: field("espExtra"),
    headers: [...document.querySelectorAll("#headers [data-testid=header-row]")].map((row) => ({
      name: $("[data-role=name]", row).value,
      value: $("[data-role=value]", row).value,
    })),
    batch: [...document.querySelectorAll("#batch [data-testid=batch-row]")].map((row) => ({
      to: $("[data-role=to]", row).value,
      mergeMetadata: $("[data-role=mergeMetadata]", row).value,
      mergeData: $("[data-role=mergeData]", row).value,
      mergeHeaders: $("[data-role=mergeHeaders]", row).value,
    })),
    attachments: await filesOf($("#attachments")),
    inlineImages: await filesOf($("#inline-images")),
  };
}

function renderError(error) {
  const facts = [
    ["class", error.name],
    ["code", error.code],
    ["feature", error.feature],
    ["field", error.field],
    ["input", error.input],
    ["provider", error.provider],
    ["statusCode", error.statusCode],
    ["providerCode", error.providerCode],
    ["retryable", error.retryable],
    ["kind", error.kind],
  ].filter(([, value]) => value !== undefined);
  return h(
    "div",
    { class: "error", "data-testid": "send-error", "data-error-code": error.code },
    h("div", { class: "error-title", "data-testid": "error-name" }, error.name),
    h("div", { class: "error-message", "data-testid": "error-message" }, error.message),
    h(
      "dl",
      { class: "facts" },
      facts.map(([name, value]) => [
        h("dt", {}, name),
        h("dd", { class: "mono", "data-testid": `error-${name}` }, String(value)),
      ]),
    ),
    error.response
      ? h(
          "details",
          {},
          h("summary", {}, "Resend's response"),
          h("pre", { "data-testid": "error-response" }, json(error.response)),
        )
      : null,
  );
}

function renderResult(result, inlineImageCids) {
  const recipients = Object.entries(result.recipients);
  return h(
    "div",
    { class: "success", "data-testid": "send-result" },
    h(
      "div",
      { class: "result-head" },
      h("span", { class: "badge ok" }, result.status.join(", ")),
      result.messageId
        ? h(
            "span",
            {},
            "messageId ",
            h("code", { "data-testid": "result-message-id" }, result.messageId),
          )
        : h("span", { class: "muted" }, "one id per recipient"),
    ),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h("tr", {}, h("th", {}, "recipient"), h("th", {}, "status"), h("th", {}, "messageId")),
      ),
      h(
        "tbody",
        {},
        recipients.map(([address, status]) =>
          h(
            "tr",
            { "data-testid": "recipient-row", "data-recipient": address },
            h("td", { class: "mono" }, address),
            h("td", {}, status.status),
            h(
              "td",
              { class: "mono", "data-testid": "recipient-message-id" },
              status.messageId ?? "—",
            ),
          ),
        ),
      ),
    ),
    inlineImageCids?.length
      ? h(
          "p",
          { class: "muted" },
          "inline images: ",
          inlineImageCids.map((c) => h("code", {}, `${c.filename ?? "image"} → cid:${c.cid} `)),
        )
      : null,
    h("details", {}, h("summary", {}, "espResponse"), h("pre", {}, json(result.espResponse))),
  );
}

/**
 * Runs one form action: the button is disabled and the target shows `pendingText` until
 * `work` resolves to what to show, or fails (shown as a page error).
 */
async function runAction(button, target, pendingText, work) {
  button.disabled = true;
  target.className = "pending";
  target.replaceChildren(pendingText);
  try {
    const shown = await work();
    target.className = "";
    target.replaceChildren(shown);
  } catch (error) {
    target.className = "";
    target.replaceChildren(
      renderError({ name: error.name, code: "page_error", message: error.message }),
    );
  } finally {
    button.disabled = false;
  }
}

async function onSend(event) {
  event.preventDefault();
  const form = event.currentTarget;
  await runAction($("#send"), $("#result"), "Sending…", async () => {
    const answer = await postJson("/api/send", {
      ...(await collectCompose(form)),
      provider: current.id,
    });
    return answer.ok
      ? renderResult(answer.result, answer.inlineImageCids)
      : renderError(answer.error);
  });
}

// ---------- live events ----------

let eventCount = 0;

function renderFeedItem(item) {
  const event = item.event;
  const isInbound = item.kind === "inbound";
  const type = event.eventType;
  const summary = isInbound
    ? `${event.message.from} → ${event.message.to.join(", ")}: ${event.message.subject}`
    : [event.recipient, event.rejectReason && `(${event.rejectReason})`, event.description]
        .filter(Boolean)
        .join(" ");
  return h(
    "li",
    {
      class: `event type-${type}`,
      "data-testid": "event",
      "data-event-type": type,
      "data-provider": event.provider,
    },
    h(
      "details",
      {},
      h(
        "summary",
        {},
        h("span", { class: `badge ev-${type}`, "data-testid": "event-type" }, type),
        event.provider
          ? h("span", { class: "provider-tag", "data-testid": "event-provider" }, event.provider)
          : null,
        h("time", { class: "mono" }, new Date(event.timestamp).toLocaleTimeString()),
        h("span", { class: "event-summary", "data-testid": "event-summary" }, summary),
        !isInbound && event.messageId
          ? h("code", { class: "msgid", "data-testid": "event-message-id" }, event.messageId)
          : null,
      ),
      h(
        "div",
        { class: "event-body" },
        h("h4", {}, "normalized"),
        h(
          "pre",
          { "data-testid": "event-normalized" },
          json({
            ...event,
            espEvent: undefined,
            message: isInbound ? "(see inbound panel)" : undefined,
          }),
        ),
        h("h4", {}, "raw espEvent"),
        h("pre", { "data-testid": "event-raw" }, json(event.espEvent)),
      ),
    ),
  );
}

function connectEvents() {
  const status = $("#stream-status");
  const source = new EventSource("/api/events");
  const onItem = (message) => {
    const item = JSON.parse(message.data);
    eventCount += 1;
    $("#event-count").textContent = String(eventCount);
    $("#events").prepend(renderFeedItem(item));
  };
  source.addEventListener("tracking", onItem);
  source.addEventListener("inbound", onItem);
  source.addEventListener("open", () => {
    status.textContent = "live";
    status.dataset.state = "live";
  });
  source.addEventListener("error", () => {
    status.textContent = "reconnecting…";
    status.dataset.state = "down";
  });
}

// ---------- inbound ----------

function renderInbound(answer) {
  if (!answer.ok) return renderError(answer.error);
  const message = answer.event.message;
  const facts = [
    ["from", message.from],
    ["to", message.to.join(", ")],
    ["cc", message.cc.join(", ")],
    ["subject", message.subject],
    ["date", message.date],
    ["envelopeSender", message.envelopeSender],
    ["envelopeRecipient", message.envelopeRecipient],
    ["spamDetected", message.spamDetected],
    ["spamScore", message.spamScore],
  ].filter(([, value]) => value !== undefined && value !== "");
  return h(
    "div",
    { class: "success", "data-testid": "inbound-message" },
    h(
      "dl",
      { class: "facts" },
      facts.map(([name, value]) => [
        h("dt", {}, name),
        h("dd", { "data-testid": `inbound-${name}-value` }, String(value)),
      ]),
    ),
    message.text !== undefined
      ? h("pre", { class: "body", "data-testid": "inbound-text-value" }, message.text)
      : null,
    h("h4", {}, `attachments (${message.attachments.length})`),
    h(
      "ul",
      { class: "attachments" },
      message.attachments.map((attachment) =>
        h(
          "li",
          { "data-testid": "inbound-attachment", "data-filename": attachment.filename ?? "" },
          h(
            "a",
            {
              href: `data:${attachment.contentType};base64,${attachment.contentBase64}`,
              download: attachment.filename ?? "attachment",
            },
            attachment.filename ?? "(unnamed)",
          ),
          h(
            "span",
            { class: "muted" },
            ` ${attachment.contentType} · ${attachment.size} bytes${attachment.inline ? ` · inline cid:${attachment.contentId}` : ""}`,
          ),
        ),
      ),
    ),
    h(
      "details",
      {},
      h("summary", {}, `headers (${message.headers.length})`),
      h("pre", {}, message.headers.map((x) => `${x.name}: ${x.value}`).join("\n")),
    ),
    h("details", {}, h("summary", {}, "raw espEvent"), h("pre", {}, json(answer.event.espEvent))),
  );
}

let inboundTab = "fields";

async function onReceive(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const field = (name) => form.elements.namedItem(name).value;
  await runAction(
    $("#receive"),
    $("#inbound-result"),
    "Receiving… (emulator → signed webhook → fetch → parse)",
    async () => {
      const payload =
        inboundTab === "raw"
          ? { raw: field("raw") }
          : {
              from: field("from"),
              to: field("to"),
              subject: field("subject"),
              text: field("text"),
              html: field("html"),
              attachments: await filesOf($("#inbound-attachments")),
            };
      return renderInbound(await postJson("/api/inbound", { ...payload, provider: current.id }));
    },
  );
}

function selectInboundTab(tab) {
  inboundTab = tab;
  for (const button of document.querySelectorAll(".tab"))
    button.classList.toggle("active", button.dataset.tab === tab);
  for (const pane of document.querySelectorAll("[data-pane]"))
    pane.hidden = pane.dataset.pane !== tab;
}

// ---------- wiring ----------

$("#compose").addEventListener("submit", onSend);
$("#reset").addEventListener("click", () => {
  $("#compose").reset();
  $("#headers").replaceChildren();
  $("#batch").replaceChildren();
});
$("#add-header").addEventListener("click", () => $("#headers").append(headerRow()));
$("#add-batch").addEventListener("click", () => {
  $("#batch-details").open = true;
  $("#batch").append(batchRow());
});
$("#clear-events").addEventListener("click", () => {
  $("#events").replaceChildren();
  eventCount = 0;
  $("#event-count").textContent = "0";
});
$("#inbound").addEventListener("submit", onReceive);
for (const button of document.querySelectorAll(".tab")) {
  button.addEventListener("click", () => selectInboundTab(button.dataset.tab));
}

connectEvents();
loadInfo().then(
  () => document.body.setAttribute("data-ready", "true"),
  (error) => {
    $("#mode").textContent = `Could not reach the playground server: ${error.message}`;
  },
);
