// Deno 2 (the `deno` npm package) runs the files straight from the workspace.
import { launch } from "../src/launch.js";
import { describeProviders } from "../src/providers-scenario.js";
import { describeRuntime } from "../src/resend-scenario.js";
import { probe } from "../src/runtimes.js";

const availability = await probe("deno");

describeRuntime("deno", availability, (env) => launch("deno", "recipes/deno.ts", { ...env }));
describeProviders("deno", availability, (env) =>
  launch("deno", "fixtures/providers-deno.ts", { ...env }),
);
