// The local sink the send benchmarks post to: a second process that answers like Resend's
// POST /emails (`{"id": ...}`) and POST /emails/batch (`{"data":[{"id"}...]}`), and like
// Mailgun's POST /v3/{domain}/messages, and like Postmark's POST /email, and does as
// little else as possible, so it is not the bottleneck. It reports its own CPU use and the
// bytes it received so the parent can show both.
import { createServer } from "node:http";
import { serveParent } from "../lib/child.mjs";

const counters = { requests: 0, batchRequests: 0, bodyBytes: 0, wireBytes: 0 };
const liveSockets = new Set();
let closedSocketBytes = 0;
let cpuAtReset = process.cpuUsage();
let timeAtReset = performance.now();
let nextId = 1;

// Fixed-length ids shaped like Resend's (a UUID), built without randomness to stay cheap.
const idPrefix = "4ef9a417-02e9-4d39-ad75-";
function newId() {
  return idPrefix + (nextId++).toString(16).padStart(12, "0");
}

const jsonHeaders = (length) => ({
  "content-type": "application/json",
  "content-length": length,
});

const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  req.on("end", () => {
    counters.requests++;
    counters.bodyBytes += size;
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    let body;
    if (req.url.endsWith("/emails/batch")) {
      counters.batchRequests++;
      const messages = JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
      body = JSON.stringify({ data: messages.map(() => ({ id: newId() })) });
    } else if (req.url.endsWith("/emails")) {
      body = `{"id":"${newId()}"}`;
    } else if (req.url.endsWith("/email")) {
      // Postmark's answer names the To it accepted, which per-recipient status is read from.
      const { To } = JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
      body = JSON.stringify({
        To,
        SubmittedAt: "2026-01-01T00:00:00.0000000Z",
        MessageID: newId(),
        ErrorCode: 0,
        Message: "OK",
      });
    } else if (req.url.endsWith("/messages")) {
      // Mailgun's POST /v3/{domain}/messages answer.
      body = `{"id":"<${newId()}@example.com>","message":"Queued. Thank you."}`;
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, jsonHeaders(Buffer.byteLength(body)));
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.on("connection", (socket) => {
  liveSockets.add(socket);
  socket.on("close", () => {
    closedSocketBytes += socket.bytesRead;
    liveSockets.delete(socket);
  });
});

function wireBytes() {
  let total = closedSocketBytes;
  for (const socket of liveSockets) total += socket.bytesRead;
  return total;
}

serveParent({
  reset() {
    counters.requests = 0;
    counters.batchRequests = 0;
    counters.bodyBytes = 0;
    counters.wireBytes = wireBytes();
    cpuAtReset = process.cpuUsage();
    timeAtReset = performance.now();
    return true;
  },
  stats() {
    const cpu = process.cpuUsage(cpuAtReset);
    const elapsedMs = performance.now() - timeAtReset;
    return {
      requests: counters.requests,
      batchRequests: counters.batchRequests,
      bodyBytes: counters.bodyBytes,
      wireBytes: wireBytes() - counters.wireBytes,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    };
  },
});

server.listen(0, "127.0.0.1", () => {
  process.send({ ready: true, url: `http://127.0.0.1:${server.address().port}` });
});
