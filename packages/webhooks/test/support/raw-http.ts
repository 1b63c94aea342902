import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  head: string;
}

/**
 * Talks HTTP/1.1 over a plain socket so the body can arrive in timed pieces, or not at
 * all; resolves with the status line and headers of the answer.
 */
export function rawExchange(
  base: string,
  path: string,
  head: Record<string, string>,
  pieces: readonly (string | number)[],
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.destroy();
      resolve({ status: Number(received.slice(9, 12)), head: received.slice(0, end) });
    });
    socket.on("error", reject);
    socket.on("connect", async () => {
      const lines = Object.entries({ host: `${hostname}:${port}`, ...head }).map(
        ([name, value]) => `${name}: ${value}`,
      );
      socket.write(`POST ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
      for (const piece of pieces) {
        if (typeof piece === "number") await new Promise((r) => setTimeout(r, piece));
        else if (!socket.destroyed) socket.write(piece);
      }
    });
  });
}

export function chunked(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}
