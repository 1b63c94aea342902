import { packageConfig } from "../../tsup.base.js";

// `@internal` members of the public classes stay out of the published .d.ts.
export default packageConfig(["src/index.ts", "src/testing.ts", "src/cli.ts"], {
  dts: { compilerOptions: { stripInternal: true } },
});
