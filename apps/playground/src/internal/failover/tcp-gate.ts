import { once } from "node:events";
import {
  type AddressInfo,
  createConnection,
  createServer,
  type Server,
  type Socket,
} from "node:net";

/**
 * A TCP forwarder in front of the primary emulator that can be taken down for real:
 * `refuse()` closes its listener and every open connection, so new connections get
 * ECONNREFUSED (nothing listens on the port); `open()` listens on the same port again.
 */
export interface TcpGate {
  readonly url: string;
  refuse(): Promise<void>;
  open(): Promise<void>;
}

export async function startTcpGate(targetUrl: string): Promise<TcpGate> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

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
  }

  async function refuse(): Promise<void> {
    const closing = server;
    server = undefined;
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
    refuse,
    open,
  };
}
