import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A forked helper process that reports `{ ... }` messages; resolves with the first one. */
export function forkHelper<Ready>(
  script: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; ready: Ready }> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = fork(path, [], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (ready) => resolve({ child, ready: ready as Ready }));
    child.once("exit", (code, signal) =>
      reject(new Error(`${script} exited early (${code ?? signal})`)),
    );
    child.once("error", reject);
  });
}

/** Asks a helper to stop, or kills it when it doesn't within `ms`. */
export function stopHelper(child: ChildProcess, ms = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.send("stop");
  });
}
