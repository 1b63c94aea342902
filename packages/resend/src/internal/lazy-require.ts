import { createRequire } from "node:module";

let nodeRequire: NodeJS.Require | undefined;

/**
 * `require` for a dependency that is loaded on first use instead of at import time, so
 * importing the provider stays cheap. Works in the ESM build and in the CJS build (the
 * bundler shims `import.meta.url` there); not a bare `require`, which the ESM build lacks.
 */
export function lazyRequire<T>(id: string): T {
  nodeRequire ??= createRequire(import.meta.url);
  return nodeRequire(id) as T;
}
