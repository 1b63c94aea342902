#!/usr/bin/env node
import { runCli } from "./internal/cli-main.js";

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  onSignal: (signal, handler) => process.once(signal, handler),
})
  .then(async ({ exitCode, stopped }) => {
    process.exitCode = exitCode;
    await stopped;
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `resend-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
