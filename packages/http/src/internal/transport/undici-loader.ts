/**
 * The part of undici the kit uses. The module that loads it has two builds: `.node.ts`
 * (dynamic `import("undici")`) and `.edge.ts` (never loads it); see tsup.base.ts.
 */
export type UndiciModule = Pick<typeof import("undici"), "Agent">;

/**
 * Whether this undici can carry the kit's requests: Bun answers `import("undici")` with
 * its own module, whose `Agent` has no `request()` (sending would fail with
 * "request is not a function"), so the capability is checked, not the runtime's name.
 */
export function isUsableUndici(undici: UndiciModule | undefined): undici is UndiciModule {
  const agent: unknown = undici?.Agent;
  return (
    typeof agent === "function" &&
    typeof (agent.prototype as { request?: unknown } | undefined)?.request === "function"
  );
}
