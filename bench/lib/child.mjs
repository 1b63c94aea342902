import { fork } from "node:child_process";
import { once } from "node:events";

/**
 * Forks `script` as a separate Node process (a second process, so it gets its own core and
 * event loop) and resolves with its first IPC message, which by convention is `{ ready, ... }`
 * or `{ error }`.
 */
export async function startChild(script, args = [], { execArgv = [], env } = {}) {
  const child = fork(script, args, {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit").then(([code, signal]) => {
    throw new Error(`${script} exited early (code ${code}, signal ${signal})`);
  });
  const [message] = await Promise.race([once(child, "message"), exited]);
  if (message?.error) throw new Error(`${script}: ${message.error}`);
  return {
    child,
    info: message,
    request: (payload) => requestChild(child, payload),
    stop: () => stopChild(child),
  };
}

let nextRequestId = 1;

/** Sends `{ id, ...payload }` and resolves with the reply carrying the same `id`. */
export function requestChild(child, payload) {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.id !== id) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (message.error) reject(new Error(message.error));
      else resolve(message.result);
    };
    const onExit = (code) => {
      child.off("message", onMessage);
      reject(new Error(`child exited (code ${code}) while handling ${payload.type}`));
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send({ id, ...payload });
  });
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * For a child script: answers the parent's `{ id, type, ... }` messages with `handlers[type]`.
 * Errors go back as `{ id, error }` so the parent fails loudly instead of hanging.
 */
export function serveParent(handlers) {
  process.on("message", async (message) => {
    const handler = handlers[message?.type];
    try {
      if (!handler) throw new Error(`unknown request type ${message?.type}`);
      const result = await handler(message);
      process.send({ id: message.id, result });
    } catch (error) {
      process.send({ id: message.id, error: error?.stack ?? String(error) });
    }
  });
  process.on("SIGTERM", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
}
