// Starts a runtime's server as a child process and finds the URL it listens on.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLogLines, type LogLines } from "./logs.js";
import { QUIET_RUNTIME_ENV } from "./runtimes.js";

/** tests/edge: the recipes resolve @anymail/* from its node_modules. */
export const EDGE_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface RunningApp {
  /** Base URL without trailing slash. */
  url: string;
  /** What the app printed (stdout and stderr). */
  logs: LogLines;
  close(): Promise<void>;
}

export async function startServerProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  startTimeoutMs = 30_000,
): Promise<RunningApp> {
  const logs = createLogLines();
  const child = spawn(command, args, {
    cwd: EDGE_DIR,
    env: { ...process.env, ...QUIET_RUNTIME_ENV, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => logs.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => logs.push(chunk));

  const exited = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(
        new Error(
          `${command} ${args.join(" ")} exited (${signal ?? code}) before listening:\n${logs.lines.join("\n")}`,
        ),
      ),
    );
  });
  // Only the race below listens; a later exit (close()) must not be an unhandled rejection.
  exited.catch(() => {});
  try {
    const match = await Promise.race([
      logs.waitFor(/Listening on (http:\/\/[^\s/]+)/, startTimeoutMs),
      exited,
    ]);
    return { url: match[1]!, logs, close: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
