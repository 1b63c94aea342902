import type { Emulator } from "../../emulator.js";
import { startEmulator } from "../../start.js";
import { parseCliArgs, usage } from "./args.js";

/** What the CLI touches of its process, injectable so it can be tested in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Registers a one-shot handler for a stop signal. */
  onSignal: (signal: "SIGINT" | "SIGTERM", handler: () => void) => void;
}

/**
 * Runs the CLI: prints where it listens, the environment an app needs to use it and each
 * webhook secret, then resolves with the running emulator (or null after `--help` / bad
 * arguments, with `exitCode` set). A stop signal closes it.
 */
export async function runCli(
  args: string[],
  io: CliIo,
  bin = "anymail-emulator",
): Promise<{ exitCode: number; emulator: Emulator | null; stopped: Promise<void> }> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(args, bin);
  } catch (error) {
    io.err(`${bin}: ${error instanceof Error ? error.message : String(error)}\n`);
    return { exitCode: 2, emulator: null, stopped: Promise.resolve() };
  }
  if (command.help) {
    io.out(usage(bin));
    return { exitCode: 0, emulator: null, stopped: Promise.resolve() };
  }
  const emu: Emulator = await startEmulator(command.options);
  const env = emu.personality.env(emu.url, command.options.apiKeys?.[0]);
  const lines = [
    `${emu.personality.title} emulator listening on ${emu.url}`,
    "Point your app at it with:",
    ...Object.entries(env).map(([name, value]) => `  ${name}=${value}`),
    `Inspect: ${emu.url}/_emulator/`,
  ];
  for (const webhook of emu.webhooks) {
    const events = webhook.events ? `  events ${webhook.events.join(",")}` : "";
    const secret = webhook.secret ? `  secret ${webhook.secret}` : "";
    lines.push(`Webhook ${webhook.url}${secret}${events}`);
    for (const [name, value] of Object.entries(emu.personality.webhookEnv?.(webhook) ?? {})) {
      lines.push(`  ${name}=${value}`);
    }
  }
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.out(`${signal} received, stopping.\n`);
      void emu.close().then(resolve);
    };
    io.onSignal("SIGINT", () => stop("SIGINT"));
    io.onSignal("SIGTERM", () => stop("SIGTERM"));
  });
  // Printed last: once a supervisor (or a test) sees the output, a stop signal is handled.
  io.out(`${lines.join("\n")}\n`);
  return { exitCode: 0, emulator: emu, stopped };
}
