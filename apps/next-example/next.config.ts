import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The app lives in a pnpm workspace: point tracing and Turbopack at the repo root so Next
// finds the hoisted packages and doesn't warn about several lockfiles.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
};

export default nextConfig;
