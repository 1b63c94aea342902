import { describe, expect, it } from "vitest";
import { createDeadlines } from "../src/internal/deadlines.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createDeadlines (one timer for every body read of an engine)", () => {
  it("expires each deadline timeoutMs after its start, in order", async () => {
    const deadlines = createDeadlines(60);
    const started = performance.now();
    const expired: [string, number][] = [];
    deadlines.start(() => expired.push(["a", performance.now() - started]));
    await wait(25);
    deadlines.start(() => expired.push(["b", performance.now() - started]));
    await wait(150);
    expect(expired.map(([name]) => name)).toEqual(["a", "b"]);
    expect(expired[0]![1]).toBeGreaterThanOrEqual(59);
    expect(expired[1]![1]).toBeGreaterThanOrEqual(25 + 59);
  });

  it("never expires a cancelled deadline, and a cancelled head does not delay the next", async () => {
    const deadlines = createDeadlines(50);
    const expired: string[] = [];
    const cancelHead = deadlines.start(() => expired.push("head"));
    await wait(10);
    deadlines.start(() => expired.push("next"));
    cancelHead();
    await wait(120);
    expect(expired).toEqual(["next"]);
  });

  it("serves thousands of reads, finished or not, without losing one", async () => {
    const deadlines = createDeadlines(40);
    let expired = 0;
    const cancels = Array.from({ length: 5000 }, () => deadlines.start(() => expired++));
    for (let i = 0; i < cancels.length; i += 2) cancels[i]!();
    await wait(120);
    expect(expired).toBe(2500);
  });
});
