// The failover panel: switch the primary emulator's state, send, show who accepted it.
const panel = document.getElementById("failover-panel");
const form = document.getElementById("failover");
const output = document.getElementById("failover-result");
const stored = document.getElementById("failover-stored");
const circuits = document.getElementById("failover-circuits");

function show(view) {
  stored.textContent = `Resend ${view.stored.Resend}, Postmark ${view.stored.Postmark}`;
  circuits.textContent = view.circuits
    .map((c) => `${c.provider}: ${c.state} (${c.consecutiveFailures} failures)`)
    .join(", ");
}

async function call(path, body) {
  const response = await fetch(`/api/failover${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

async function start() {
  const info = await (await fetch("/api/info")).json();
  if (!info.failover) return;
  panel.hidden = false;
  show(await call(""));
  form.addEventListener("change", async (event) => {
    if (event.target.name !== "state") return;
    show(await call("/state", { state: event.target.value }));
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    output.textContent = "sending…";
    try {
      const answer = await call("/send", { subject: form.elements.subject.value });
      show(answer);
      const lines = answer.ok
        ? [`accepted by ${answer.result.provider}, id ${answer.result.messageId}`]
        : [`failed: ${answer.error.code}: ${answer.error.message}`];
      for (const a of answer.attempts) lines.push(`  ${a.provider}: ${a.outcome} (${a.reason})`);
      output.textContent = lines.join("\n");
      output.dataset.outcome = answer.ok ? answer.result.provider : "error";
    } finally {
      button.disabled = false;
    }
  });
}

start().catch((error) => {
  output.textContent = String(error);
});
