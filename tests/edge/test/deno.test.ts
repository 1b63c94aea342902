// Deno 2 (the `deno` npm package) runs recipes/deno.ts straight from the workspace.
import { denoBinary, probe } from "../src/runtimes.js";
import { describeRuntime } from "../src/scenario.js";
import { startServerProcess } from "../src/server-process.js";

const availability = await probe("deno");

describeRuntime("deno", availability, (env) =>
  startServerProcess(
    denoBinary(),
    [
      "run",
      // Only what the recipe needs: its own port, the emulator, its environment.
      "--allow-net=127.0.0.1",
      "--allow-env",
      // Resolve @anymail/* from tests/edge/node_modules (pnpm's links), as `npm install` left it.
      "--node-modules-dir=manual",
      "recipes/deno.ts",
    ],
    { ...env },
  ),
);
