import { basename } from "node:path";
import { runCli } from "./internal/cli/main.js";

// `resend-emulator` is kept as an alias bin; messages name whichever one was run.
const bin = basename(process.argv[1] ?? "").startsWith("resend-emulator")
  ? "resend-emulator"
  : "anymail-emulator";

runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    onSignal: (signal, handler) => process.once(signal, handler),
  },
  bin,
)
  .then(async ({ exitCode, stopped }) => {
    process.exitCode = exitCode;
    await stopped;
  })
  .catch((error: unknown) => {
    process.stderr.write(`${bin}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
