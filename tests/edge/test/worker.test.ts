// workerd (through miniflare) runs the Wrangler-style bundles of the Worker files, with no
// nodejs_compat flag: each bundle is built in beforeAll and handed to miniflare as is.
import { launch } from "../src/launch.js";
import { describeProviders } from "../src/providers-scenario.js";
import { describeRuntime } from "../src/resend-scenario.js";
import { probe } from "../src/runtimes.js";

const availability = await probe("workerd");

describeRuntime("workerd", availability, (env) =>
  launch("workerd", "recipes/worker.ts", { ...env }),
);
describeProviders("workerd", availability, (env) =>
  launch("workerd", "fixtures/providers-worker.ts", { ...env }),
);
