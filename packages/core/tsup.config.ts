import { packageConfig } from "../../tsup.base.js";

export default packageConfig(
  ["src/index.ts", "src/testing.ts", "src/conformance.ts", "src/internal-unstable.ts"],
  {},
  // testing (a capture server on node:http) and conformance (vitest) stay Node-only.
  { entry: ["src/index.ts", "src/internal-unstable.ts"] },
);
