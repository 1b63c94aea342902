import { AnymailImproperlyInstalled } from "@anymail/core";

/**
 * A CommonJS-style `require` resolving from one module's location.
 *
 * @example
 * ```ts
 * const lazyRequire: LazyRequire = createLazyRequire(import.meta.url);
 * ```
 */
export type LazyRequire = (id: string) => unknown;

interface NodeModuleBuiltin {
  createRequire(from: string): (id: string) => unknown;
}

function moduleBuiltin(): NodeModuleBuiltin | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  return process?.getBuiltinModule?.("node:module") as NodeModuleBuiltin | undefined;
}

/**
 * A `require` that resolves from the caller's module (pass `import.meta.url`), created on
 * its first call: dependencies load when first used, not at import time, and no `node:`
 * module is imported at the top of anything (edge runtimes import the provider fine;
 * there, calling it fails as a missing module). Works in ESM and CJS builds (tsup shims
 * `import.meta.url` in CJS).
 *
 * @example
 * ```ts
 * const lazyRequire = createLazyRequire(import.meta.url);
 * const mime = lazyRequire("mime-types") as typeof import("mime-types");
 * ```
 */
export function createLazyRequire(from: string): LazyRequire {
  let nodeRequire: ((id: string) => unknown) | undefined;
  return (id) => {
    if (nodeRequire === undefined) {
      const builtin = moduleBuiltin();
      if (builtin === undefined) {
        throw Object.assign(new Error(`Cannot load ${id}: this runtime has no require`), {
          code: "MODULE_NOT_FOUND",
        });
      }
      nodeRequire = builtin.createRequire(from);
    }
    return nodeRequire(id);
  };
}

/**
 * What {@link loadOptional} reports when the package is missing.
 *
 * @example
 * ```ts
 * const info: OptionalPackage = { provider: "Example", packageName: "example-signatures", feature: "webhook signatures", install: "npm install example-signatures@1" };
 * ```
 */
export interface OptionalPackage {
  provider: string;
  packageName: string;
  /** What needs it, for the message: "Resend webhook signature verification". */
  feature: string;
  /** The install command shown; default `npm install <packageName>`. */
  install?: string;
}

/**
 * Whether an error means "module not found" (CJS or ESM).
 *
 * @example
 * ```ts
 * try { load(); } catch (error) { if (!isModuleNotFound(error)) throw error; }
 * ```
 */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND";
}

/**
 * Loads an optional peer dependency with the caller's loader, turning "not installed"
 * into `AnymailImproperlyInstalled` with the install command. Other load errors pass
 * through.
 *
 * @example
 * ```ts
 * const lazyRequire = createLazyRequire(import.meta.url);
 * const signatures = loadOptional(() => lazyRequire("example-signatures"), {
 *   provider: "Example", packageName: "example-signatures", feature: "Example webhook signature verification",
 * });
 * ```
 */
export function loadOptional<T>(load: () => T, info: OptionalPackage): T {
  try {
    return load();
  } catch (cause) {
    if (!isModuleNotFound(cause)) throw cause;
    throw new AnymailImproperlyInstalled(info.packageName, info.feature, {
      provider: info.provider,
      install: info.install ?? `npm install ${info.packageName}`,
      cause,
    });
  }
}
