import { parseCliArgs, USAGE } from "./cli-args.js";
import type { ResendEmulator } from "./emulator.js";
import { startResendEmulator } from "./start.js";

/** What the CLI touches of its process, injectable so it can be tested in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Registers a one-shot handler for a stop signal. */
  onSignal: (signal: "SIGINT" | "SIGTERM", handler: () => void) => void;
}

/**
 * Runs the CLI: prints where it listens and each webhook secret, then resolves with the running
 * emulator (or null after `--help` / bad arguments, with `exitCode` set). A stop signal closes it.
 */
export async function runCli(
  args: string[],
  io: CliIo,
): Promise<{ exitCode: number; emulator: ResendEmulator | null; stopped: Promise<void> }> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(args);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n`);
    return { exitCode: 2, emulator: null, stopped: Promise.resolve() };
  }
  if (command.help) {
    io.out(USAGE);
    return { exitCode: 0, emulator: null, stopped: Promise.resolve() };
  }
  const emu = await startResendEmulator(command.options);
  const lines = [
    `Resend emulator listening on ${emu.url}`,
    `  RESEND_BASE_URL=${emu.url}`,
    `  Inspect: ${emu.url}/_emulator/`,
  ];
  for (const webhook of emu.webhooks)
    lines.push(`  Webhook ${webhook.url}  secret ${webhook.secret}`);
  io.out(`${lines.join("\n")}\n`);
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.out(`${signal} received, stopping.\n`);
      void emu.close().then(resolve);
    };
    io.onSignal("SIGINT", () => stop("SIGINT"));
    io.onSignal("SIGTERM", () => stop("SIGTERM"));
  });
  return { exitCode: 0, emulator: emu, stopped };
}
