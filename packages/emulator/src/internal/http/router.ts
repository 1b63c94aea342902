import type { RouteHandler, RouteTable } from "../../personalities/personality.js";

/** A matched API route: `endpoint` is also the key used for fault injection, e.g. `GET /emails/:id`. */
export type RouteMatch =
  | { kind: "route"; endpoint: string; handler: RouteHandler; params: string[] }
  | { kind: "method_not_allowed" }
  | { kind: "not_found" }
  | { kind: "invalid_path" };

interface CompiledRoute {
  pattern: string;
  segments: string[];
  methods: Partial<Record<string, RouteHandler>>;
}

/** Compiles a personality's route table once; the matcher walks it in order. */
export function compileRoutes(table: RouteTable): (method: string, path: string) => RouteMatch {
  const compiled: CompiledRoute[] = table.map(([pattern, methods]) => ({
    pattern,
    segments: pattern.split("/"),
    methods,
  }));
  return (method, path) => matchRoute(compiled, method, path);
}

function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch {
  const segments = path.split("/");
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    const params: string[] = [];
    let matched = true;
    for (let i = 0; i < segments.length; i++) {
      const expected = route.segments[i]!;
      const actual = segments[i]!;
      if (expected.startsWith(":")) {
        if (actual === "") {
          matched = false;
          break;
        }
        try {
          params.push(decodeURIComponent(actual));
        } catch {
          // `%ZZ` and friends: the client's mistake, not a server error.
          return { kind: "invalid_path" };
        }
      } else if (expected !== actual) {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    const handler = route.methods[method];
    if (!handler) return { kind: "method_not_allowed" };
    return { kind: "route", endpoint: `${method} ${route.pattern}`, handler, params };
  }
  return { kind: "not_found" };
}
