import type { Response } from "express";

/** One item on the live stream: a tracking or inbound event, already JSON-ready. */
export interface FeedItem {
  /** Sequence number, so the page can tell replayed history from new items. */
  seq: number;
  kind: "tracking" | "inbound";
  receivedAt: string;
  event: unknown;
}

/**
 * Fans webhook events out to every open `EventSource`. Recent history is replayed to a
 * page that connects (or reconnects) late, so nothing that arrived meanwhile is lost.
 */
export class EventFeed {
  private readonly history: FeedItem[] = [];
  private readonly clients = new Set<Response>();
  private seq = 0;

  constructor(private readonly historyLimit = 500) {}

  publish(kind: FeedItem["kind"], event: unknown): FeedItem {
    this.seq += 1;
    const item: FeedItem = { seq: this.seq, kind, receivedAt: new Date().toISOString(), event };
    this.history.push(item);
    if (this.history.length > this.historyLimit) this.history.shift();
    for (const client of this.clients) writeItem(client, item);
    return item;
  }

  /** Serves one SSE connection until the browser closes it. */
  attach(response: Response, lastSeenSeq: number): void {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    response.write("retry: 1000\n\n");
    for (const item of this.history) if (item.seq > lastSeenSeq) writeItem(response, item);
    this.clients.add(response);
    response.on("close", () => this.clients.delete(response));
  }

  /** Ends every open stream, so the HTTP server can close. */
  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

function writeItem(response: Response, item: FeedItem): void {
  response.write(`id: ${item.seq}\nevent: ${item.kind}\ndata: ${JSON.stringify(item)}\n\n`);
}
