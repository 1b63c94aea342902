/** One way of serving the handler: a real server, or a direct call for Next route handlers. */
export interface Endpoint {
  /** Sends a request to `path` (e.g. `/anymail/test/tracking`). */
  send(path: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export function fetchEndpoint(baseUrl: string, close: () => Promise<void>): Endpoint {
  return {
    send: (path, init) => fetch(new URL(path, baseUrl), init),
    close,
  };
}
