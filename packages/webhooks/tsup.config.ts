import { packageConfig } from "../../tsup.base.js";

export default packageConfig(["src/index.ts", "src/express.ts", "src/fastify.ts", "src/next.ts"]);
