#!/usr/bin/env node
// Profiles one send client (or the batch) against the minimal sink with `--cpu-prof`, then
// prints the top functions and files by self time. Used to find why a target is missed.
//
//   node bench/profile.mjs send "anymail (createMailer + resend)" [concurrency] [total]
//   node bench/profile.mjs batch anymail
//   node bench/profile.mjs webhooks fastify-anymail [seconds]
//   node bench/profile.mjs summarize <file.cpuprofile>
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild } from "./lib/child.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const [mode, client, concurrencyArg, totalArg] = process.argv.slice(2);
const profileDir = here("./profiles/");

export function summarize(file, top = 30) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const where = callFrame.url
      .replace(/^file:\/\/.*node_modules\/\.pnpm\//, "")
      .replace(/^file:\/\/\/work\/main\//, "");
    const fn = `${callFrame.functionName || "(anonymous)"}  ${where}:${callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const fileKey = where || callFrame.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const print = (title, map) => {
    console.log(`\n${title}`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(
        `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      );
    }
  };
  print("self time by function", byFunction);
  print("self time by file", byFile);
}

async function profileChild(script, args, request) {
  mkdirSync(profileDir, { recursive: true });
  const before = new Set(readdirSync(profileDir));
  const sink = await startChild(here("./send/sink.mjs"));
  const worker = await startChild(here(script), [...args, sink.info.url], {
    execArgv: ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${profileDir}`],
  });
  const result = await worker.request(request);
  console.log(JSON.stringify(result));
  await worker.request({ type: "close" });
  // Graceful exit so the profile is written.
  worker.child.disconnect();
  await new Promise((resolve) => worker.child.once("exit", resolve));
  await sink.stop();
  const written = readdirSync(profileDir).filter((f) => !before.has(f));
  for (const file of written) {
    console.log(`profile: ${join(profileDir, file)}`);
    summarize(join(profileDir, file));
  }
}

if (mode === "send") {
  await profileChild("./send/worker.mjs", [client], {
    type: "run",
    concurrency: Number(concurrencyArg ?? 64),
    total: Number(totalArg ?? 20_000),
  });
} else if (mode === "batch") {
  await profileChild("./send/batch-worker.mjs", [client], { type: "batch", recipients: 10_000 });
} else if (mode === "webhooks") {
  const { cannon } = await import("./webhooks/bench.mjs");
  const { newSigningSecret } = await import("./webhooks/payload.mjs");
  mkdirSync(profileDir, { recursive: true });
  const before = new Set(readdirSync(profileDir));
  const secret = newSigningSecret();
  const server = await startChild(here("./webhooks/server.mjs"), [client], {
    env: { BENCH_SIGNING_SECRET: secret },
    execArgv: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`],
  });
  const result = await cannon(server.info.url, secret, {
    connections: 16,
    duration: Number(concurrencyArg ?? 5),
  });
  console.log(`${Math.round(result.requests.average)} req/s, non-2xx ${result.non2xx}`);
  server.child.disconnect();
  await new Promise((resolve) => server.child.once("exit", resolve));
  for (const file of readdirSync(profileDir).filter((f) => !before.has(f))) {
    console.log(`profile: ${join(profileDir, file)}`);
    summarize(join(profileDir, file));
  }
} else if (mode === "summarize") {
  summarize(client);
} else {
  console.error(
    "usage: node bench/profile.mjs send <client> [concurrency] [total] | batch <client> | summarize <file>",
  );
  process.exit(2);
}
