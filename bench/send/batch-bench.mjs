// Batch: 10,000 recipients with per-recipient metadata, against the minimal sink, which
// counts the calls and the bytes it received.
import { fileURLToPath } from "node:url";
import { startChild } from "../lib/child.mjs";
import { fmt, markdownTable } from "../lib/format.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const clients = [
  ["raw undici (floor)", "raw"],
  ["anymail (mergeMetadata)", "anymail"],
  ["resend SDK 6.x (batch.send)", "sdk"],
];

export async function benchBatch({ log }) {
  const recipients = 10_000;
  const rows = [];
  const sink = await startChild(here("./sink.mjs"));
  try {
    for (const [label, name] of clients) {
      let worker;
      try {
        worker = await startChild(here("./batch-worker.mjs"), [name, sink.info.url]);
        await worker.request({ type: "batch", recipients: 1000 }); // warm-up
        await sink.request({ type: "reset" });
        const { wallMs } = await worker.request({ type: "batch", recipients });
        const stats = await sink.request({ type: "stats" });
        rows.push({ client: label, recipients, wallMs, ...stats });
        log(`  batch · ${label}: ${fmt.ms(wallMs, 0)}, ${stats.requests} calls`);
        await worker.request({ type: "close" });
      } catch (error) {
        const message = String(error?.message ?? error).split("\n")[0];
        log(`  batch · ${label}: FAILED ${message}`);
        rows.push({ client: label, recipients, error: message });
      } finally {
        await worker?.stop();
      }
    }
  } finally {
    await sink.stop();
  }
  return { rows };
}

export function renderBatch({ rows }) {
  const raw = rows.find((r) => r.client.startsWith("raw") && !r.error);
  const table = rows.map((row) =>
    row.error
      ? [row.client, fmt.int(row.recipients), "n/a", "", "", "", "", `error: ${row.error}`]
      : [
          row.client,
          fmt.int(row.recipients),
          fmt.ms(row.wallMs, 0),
          raw ? fmt.ratio(row.wallMs / raw.wallMs) : "n/a",
          fmt.int(row.requests),
          fmt.mb(row.bodyBytes),
          fmt.mb(row.wireBytes),
          "",
        ],
  );
  return {
    text: [
      "One send of 10,000 recipients with per-recipient metadata (anymail: one message with `mergeMetadata`; the others: the same Resend batch payloads built by hand). Calls are sequential chunks of 100; bytes as received by the sink.",
      "",
      markdownTable(
        [
          "client",
          "recipients",
          "wall time",
          "time × raw",
          "calls",
          "body bytes",
          "wire bytes",
          "note",
        ],
        table,
      ),
    ].join("\n"),
    targets: [],
  };
}
