import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { describeProviderConformance } from "../src/conformance.js";
import { jsonConformance, jsonServer } from "./support/json-conformance.js";

// The options pass on a provider that does what it declares…
describeProviderConformance(jsonConformance(jsonServer()));

// …and each catches a provider that is wrong in its one way.
describe("the conformance options catch a broken provider", () => {
  it("fails exactly the option checks each broken provider violates", async () => {
    const root = new URL("..", import.meta.url).pathname;
    const out = mkdtempSync(join(tmpdir(), "anymail-conformance-"));
    // The CLI file next to vitest's package.json (its "bin"; not an exported subpath).
    const vitest = join(
      dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
      "vitest.mjs",
    );
    try {
      await promisify(execFile)(
        process.execPath,
        [
          vitest,
          "run",
          "--config",
          "test/fixtures/vitest.broken.config.ts",
          "--reporter=json",
          `--outputFile=${join(out, "report.json")}`,
        ],
        { cwd: root, env: { ...process.env, CI: "1" } },
      ).catch((error: { code?: number }) => {
        // Failing tests are what this fixture is for: vitest exits 1.
        if (error.code !== 1) throw error;
      });
      const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as {
        testResults: { assertionResults: { fullName: string; status: string }[] }[];
      };
      const results = report.testResults.flatMap((file) => file.assertionResults);
      expect(results.length).toBeGreaterThan(100);
      const failed = results
        .filter((r) => r.status === "failed")
        .map((r) => r.fullName.replace(/ provider conformance /, " › "))
        .sort();
      expect(failed).toEqual(
        [
          "Json broken: payload › payload mapping: subject, text and the first tag",
          "Json broken: quirk › quirk sample: two tags is refused before any request",
          "Json broken: refusal › recipient refusal: one of two recipients invalid gives those recipients their status",
          "Json broken: template › template send: subject, text or html beside a template is refused before any request",
          "Json broken: template › template send: the request carries none of subject, text, html (ignoreUnsupportedFeatures)",
        ].sort(),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
