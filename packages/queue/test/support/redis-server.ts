import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** A real redis-server of our own, on a free port, persistence off. */
export interface TestRedis {
  host: string;
  port: number;
  connection: { host: string; port: number };
  stop(): Promise<void>;
}

const REDIS_SERVER = "redis-server";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === "object" && address) resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/**
 * Starts `redis-server` (Debian's package; `.ci/run` installs it) bound to 127.0.0.1 with
 * `--save "" --appendonly no`, and resolves once it accepts connections.
 */
export async function startRedis(): Promise<TestRedis> {
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    try {
      const child = await launch(port);
      return {
        host: "127.0.0.1",
        port,
        connection: { host: "127.0.0.1", port },
        stop: () => stop(child),
      };
    } catch (error) {
      // Another process took the port between our probe and redis' bind: try another.
      if (tries >= 3) throw error;
    }
  }
}

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      REDIS_SERVER,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", (error) =>
      reject(
        new Error(
          `Could not start ${REDIS_SERVER} (install Debian's redis-server package): ${error.message}`,
        ),
      ),
    );
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
