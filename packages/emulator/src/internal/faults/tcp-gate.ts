import { once } from "node:events";
import {
  type AddressInfo,
  createConnection,
  createServer,
  type Server,
  type Socket,
} from "node:net";

/**
 * A TCP forwarder in front of a server (an emulator) that can be taken down for real:
 * `refuse()` closes its listener and every open connection, so new connections get
 * ECONNREFUSED from the kernel (nothing listens on the port: a `connect` failure, never
 * written); `open()` listens on the same port again.
 *
 * @example
 * ```ts
 * const gate: TcpGate = await startTcpGate(emu.url);
 * const provider = resend({ apiKey, apiUrl: gate.url });
 * await gate.refuse(); // the ESP is down: sends fail with kind "connect"
 * await gate.open();   // and back
 * ```
 */
export interface TcpGate {
  /** `http://127.0.0.1:<port>`, the same across `refuse()` and `open()`. */
  readonly url: string;
  readonly state: "open" | "refusing";
  refuse(): Promise<void>;
  open(): Promise<void>;
  /** The same as `refuse()`: nothing is left listening. */
  close(): Promise<void>;
}

/**
 * Starts a {@link TcpGate} on 127.0.0.1 forwarding to `targetUrl`'s host and port, open.
 *
 * @example
 * ```ts
 * import { startTcpGate } from "@anymail/emulator/testing";
 *
 * const gate = await startTcpGate(emu.url);
 * await gate.refuse();
 * ```
 */
export async function startTcpGate(targetUrl: string): Promise<TcpGate> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let state: "open" | "refusing" = "refusing";

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  async function open(): Promise<void> {
    if (server) return;
    const listening = createServer((client) => {
      track(client);
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    listening.listen(port, "127.0.0.1");
    await once(listening, "listening");
    port = (listening.address() as AddressInfo).port;
    server = listening;
    state = "open";
  }

  async function refuse(): Promise<void> {
    const closing = server;
    server = undefined;
    state = "refusing";
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  await open();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get state() {
      return state;
    },
    refuse,
    open,
    close: refuse,
  };
}
