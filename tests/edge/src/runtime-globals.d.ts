// Just enough of Deno's and Bun's globals for tsc to type-check the recipes' use of anymail
// (the runtimes themselves run them; `deno check` can't follow pnpm's workspace links to
// tsup's declaration chunks).
declare namespace Deno {
  const env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  function serve(
    options: { hostname?: string; port?: number },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
}

declare namespace Bun {
  function serve(options: {
    hostname?: string;
    port?: number;
    fetch(request: Request): Response | Promise<Response>;
  }): { url: URL };
}
