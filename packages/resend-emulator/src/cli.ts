#!/usr/bin/env node
import { parseCliArgs, USAGE } from "./internal/cli-args.js";
import { ResendEmulatorError } from "./internal/emulator-error.js";
import { startResendEmulator } from "./internal/start.js";

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return;
  }
  const emu = await startResendEmulator(command.options);
  const lines = [
    `Resend emulator listening on ${emu.url}`,
    `  RESEND_BASE_URL=${emu.url}`,
    `  Inspect: ${emu.url}/_emulator/`,
  ];
  for (const webhook of emu.webhooks)
    lines.push(`  Webhook ${webhook.url}  secret ${webhook.secret}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = (signal: string) => {
    process.stdout.write(`\n${signal} received, stopping.\n`);
    void emu.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ResendEmulatorError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`resend-emulator: ${message}\n`);
  process.exitCode = 1;
});
