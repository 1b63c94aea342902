// Bun (the `bun` npm package) runs recipes/bun.ts straight from the workspace.
import { bunBinary, probe } from "../src/runtimes.js";
import { describeRuntime } from "../src/scenario.js";
import { startServerProcess } from "../src/server-process.js";

const availability = await probe("bun");

describeRuntime("bun", availability, (env) =>
  startServerProcess(bunBinary(), ["run", "recipes/bun.ts"], { ...env }),
);
