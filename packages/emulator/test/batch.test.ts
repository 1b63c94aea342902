import { describe, expect, it } from "vitest";
import { basicEmail, call, emulator, sdk } from "./helpers.js";

describe("POST /emails/batch", () => {
  it("creates every email of a valid batch (strict by default)", async () => {
    const emu = await emulator();
    const { data, error } = await sdk(emu).batch.send([
      { ...basicEmail, to: "a@example.com" },
      { ...basicEmail, to: "b@example.com", tags: [{ name: "k", value: "v" }] },
    ]);
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(2);
    expect(Object.keys(data!)).toEqual(["data"]);
    expect(emu.emails.map((email) => email.to[0])).toEqual(["a@example.com", "b@example.com"]);
    expect(emu.emails.every((email) => email.batch)).toBe(true);
  });

  it("rejects the whole batch in strict mode when one item is invalid", async () => {
    const emu = await emulator();
    const { error } = await sdk(emu).batch.send([
      basicEmail,
      { ...basicEmail, to: undefined as unknown as string },
    ]);
    expect(error).toMatchObject({ statusCode: 422, name: "missing_required_field" });
    expect(emu.emails).toHaveLength(0);
  });

  it("creates the valid items and reports the rest in permissive mode", async () => {
    const emu = await emulator();
    const { data, error } = await sdk(emu).batch.send(
      [basicEmail, { ...basicEmail, from: "broken" }, { ...basicEmail, subject: "third" }],
      { batchValidation: "permissive" },
    );
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(2);
    expect(data?.errors).toEqual([{ index: 1, message: expect.stringMatching(/from/) }]);
    expect(emu.emails.map((email) => email.subject)).toEqual(["Hello", "third"]);
  });

  it("refuses attachments and scheduled_at in batch items", async () => {
    const emu = await emulator();
    const attach = await call(emu, "POST", "/emails/batch", {
      body: [{ ...basicEmail, attachments: [{ filename: "a.txt", content: "aGk=" }] }],
    });
    expect(attach.json).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(attach.json.message).toMatch(/attachments/);
    const scheduled = await call(emu, "POST", "/emails/batch", {
      body: [{ ...basicEmail, scheduled_at: "in 1 min" }],
    });
    expect(scheduled.json.message).toMatch(/scheduled_at/);
    expect(emu.emails).toHaveLength(0);
  });

  it("allows at most 100 emails in strict mode and reports the overflow in permissive mode", async () => {
    const emu = await emulator();
    const items = Array.from({ length: 101 }, () => basicEmail);
    const strict = await call(emu, "POST", "/emails/batch", { body: items });
    expect(strict.json).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(emu.emails).toHaveLength(0);
    const permissive = await call(emu, "POST", "/emails/batch", {
      body: items,
      headers: { "x-batch-validation": "permissive" },
    });
    expect((permissive.json.data as unknown[]).length).toBe(100);
    expect(permissive.json.errors).toEqual([{ index: 100, message: expect.stringMatching(/100/) }]);
  });

  it("rejects a body that is not an array, an empty batch and an unknown validation mode", async () => {
    const emu = await emulator();
    expect((await call(emu, "POST", "/emails/batch", { body: basicEmail })).json.name).toBe(
      "validation_error",
    );
    expect((await call(emu, "POST", "/emails/batch", { body: [] })).json.name).toBe(
      "validation_error",
    );
    const mode = await call(emu, "POST", "/emails/batch", {
      body: [basicEmail],
      headers: { "x-batch-validation": "lax" },
    });
    expect(mode.json).toMatchObject({ statusCode: 422, name: "validation_error" });
  });
});
