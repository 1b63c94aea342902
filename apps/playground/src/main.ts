import { startPlayground } from "./playground.js";

const port = Number(process.env.PORT ?? 3000);
const playground = await startPlayground({ port: Number.isInteger(port) ? port : 3000 });

console.log(`anymail playground: ${playground.url}`);
console.log(
  playground.mode === "resend"
    ? "Sending through the REAL Resend API (RESEND_API_KEY is set)."
    : `Sending to the in-process Resend emulator at ${playground.emulator?.url} (no account needed).`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void playground.close().then(() => process.exit(0));
  });
}
