import { describe, expect, it } from "vitest";
import { classifyFailure } from "../src/internal/transport/failure.js";

/** An error as a runtime's fetch rejects: `TypeError` with an optional cause chain. */
function fetchError(message: string, code?: string, cause?: Error): Error & { code?: string } {
  const error = new TypeError(message, cause === undefined ? undefined : { cause });
  return code === undefined ? error : Object.assign(error, { code });
}

// The shapes below were recorded from each runtime's fetch against 127.0.0.1: a closed
// port ("refused") and a server that reads the request, then closes ("dropped").
describe("classifyFailure on each runtime's fetch errors", () => {
  it("Node 20: codes on the cause", () => {
    const refused = fetchError(
      "fetch failed",
      undefined,
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1234"), { code: "ECONNREFUSED" }),
    );
    const dropped = fetchError(
      "fetch failed",
      undefined,
      Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    );
    expect(classifyFailure(refused)).toBe("connect");
    expect(classifyFailure(dropped)).toBe("network");
  });

  it("Bun 1.4: codes on the error itself", () => {
    const refused = fetchError("ECONNREFUSED: Unable to connect.", "ECONNREFUSED");
    const dns = fetchError("getaddrinfo ENOTFOUND no-such-host.invalid", "ENOTFOUND");
    const dropped = fetchError("ECONNRESET: The socket connection was closed", "ECONNRESET");
    expect(classifyFailure(refused)).toBe("connect");
    expect(classifyFailure(dns)).toBe("connect");
    expect(classifyFailure(dropped)).toBe("network");
  });

  it("Deno 2.9: no codes, the failed stage in the message", () => {
    const refused = fetchError(
      "fetch failed",
      undefined,
      new Error(
        "error sending request for url (http://127.0.0.1:1234/x): client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    );
    const dns = fetchError(
      "fetch failed",
      undefined,
      new Error(
        "error sending request for url (http://no-such-host.invalid/x): client error (Connect): dns error: failed to lookup address information",
      ),
    );
    const dropped = fetchError(
      "fetch failed",
      undefined,
      new Error(
        "error sending request from 127.0.0.1:42044 for http://127.0.0.1:43613/x (127.0.0.1:43613): client error (SendRequest): connection closed before message complete",
      ),
    );
    expect(classifyFailure(refused)).toBe("connect");
    expect(classifyFailure(dns)).toBe("connect");
    expect(classifyFailure(dropped)).toBe("network");
  });

  it("workerd: the same message either way, so always possibly written", () => {
    expect(classifyFailure(new Error("Network connection lost."))).toBe("network");
  });

  it("a code of an opened socket outweighs a connect-looking message", () => {
    const mixed = fetchError(
      "client error (Connect)",
      undefined,
      Object.assign(new Error("reset"), { code: "ECONNRESET" }),
    );
    expect(classifyFailure(mixed)).toBe("network");
  });
});
