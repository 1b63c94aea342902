// The emulator as a second sink, in its own process: webhooks off, rate limit off, so the
// numbers show what a test suite pointed at @anymail/emulator can expect.
import { startResendEmulator } from "@anymail/emulator";
import { serveParent } from "../lib/child.mjs";

try {
  const emulator = await startResendEmulator({ port: 0, rateLimit: false });
  let cpuAtReset = process.cpuUsage();
  let timeAtReset = performance.now();
  serveParent({
    reset() {
      emulator.reset();
      cpuAtReset = process.cpuUsage();
      timeAtReset = performance.now();
      return true;
    },
    stats() {
      const cpu = process.cpuUsage(cpuAtReset);
      const elapsedMs = performance.now() - timeAtReset;
      return { cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 };
    },
  });
  process.send({ ready: true, url: emulator.url });
} catch (error) {
  process.send({ error: error?.stack ?? String(error) });
}
