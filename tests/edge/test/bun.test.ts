// Bun (the `bun` npm package) runs the files straight from the workspace.
import { launch } from "../src/launch.js";
import { describeProviders } from "../src/providers-scenario.js";
import { describeRuntime } from "../src/resend-scenario.js";
import { probe } from "../src/runtimes.js";

const availability = await probe("bun");

describeRuntime("bun", availability, (env) => launch("bun", "recipes/bun.ts", { ...env }));
describeProviders("bun", availability, (env) =>
  launch("bun", "fixtures/providers-bun.ts", { ...env }),
);
