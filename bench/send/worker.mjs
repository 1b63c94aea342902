// One send client in its own process (fresh heap and JIT per client, so rows don't disturb
// each other). The parent drives it over IPC: `run` = N sends at concurrency C, `heap` = heap
// before/after N sends with forced GC.
import { serveParent } from "../lib/child.mjs";
import { summarize } from "../lib/stats.mjs";
import { sendClients } from "./clients.mjs";

const [clientName, baseUrl] = process.argv.slice(2);

/** Runs `total` sends through `concurrency` workers; returns the per-send latencies (ms). */
async function runSends(client, total, concurrency) {
  const latencies = new Float64Array(total);
  let started = 0;
  const worker = async () => {
    while (started < total) {
      const index = started++;
      const begin = performance.now();
      await client.send();
      latencies[index] = performance.now() - begin;
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - begin };
}

async function fullGc() {
  // Several passes plus a turn of the event loop so sockets' and promises' garbage is gone.
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

try {
  const factory = sendClients[clientName];
  if (!factory) throw new Error(`unknown client ${clientName}`);
  const client = await factory(baseUrl);
  serveParent({
    async run({ total, concurrency }) {
      // CPU time per send is far less disturbed by other work on the machine than wall
      // time, so it is reported next to throughput.
      const cpuBefore = process.cpuUsage();
      const { latencies, wallMs } = await runSends(client, total, concurrency);
      const cpu = process.cpuUsage(cpuBefore);
      return { ...summarize(latencies, wallMs), cpuUsPerSend: (cpu.user + cpu.system) / total };
    },
    async heap({ total, concurrency, rounds }) {
      if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");
      const heapUsed = [await fullGc()];
      for (let round = 0; round < rounds; round++) {
        await runSends(client, total, concurrency);
        heapUsed.push(await fullGc());
      }
      return { heapUsed };
    },
    async close() {
      await client.close();
      return true;
    },
  });
  process.send({ ready: true });
} catch (error) {
  process.send({ error: error?.stack ?? String(error) });
}
