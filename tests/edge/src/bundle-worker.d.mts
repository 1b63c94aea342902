export declare const WORKER_ENTRY: string;
export declare const WRANGLER_LIKE_OPTIONS: Readonly<import("esbuild").BuildOptions>;
export declare function bundleWorker(options?: {
  entry?: string;
  source?: string;
  minify?: boolean;
}): Promise<{
  code: string;
  bytes: Uint8Array;
  inputs: string[];
  bytesByInput: Record<string, number>;
}>;
export declare function describeBuildErrors(error: unknown): string[];
