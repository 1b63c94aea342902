import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { posix } from "node:path";
import type mimeTypes from "mime-types";
import { describe, expect, it } from "vitest";
import { extensionsForMimeType, mimeTypeForFilename } from "../src/index.js";
import { posixExtname } from "../src/internal/runtime/extname.js";
import * as edgeParser from "../src/internal/runtime/full-parser.edge.js";
import * as nodeParser from "../src/internal/runtime/full-parser.node.js";
import * as edgeMime from "../src/internal/runtime/mime.edge.js";
import * as nodeMime from "../src/internal/runtime/mime.node.js";
import { MIME_TYPES_VERSION } from "../src/internal/runtime/mime-table.js";

const mime = createRequire(import.meta.url)("mime-types") as typeof mimeTypes;
const REGENERATE = "run `node scripts/generate-mime-table.mjs` in packages/core";

describe("edge twins (the edge build swaps each *.node.ts for its *.edge.ts)", () => {
  it("every .node.ts has an .edge.ts exporting the same names", async () => {
    const dir = new URL("../src/internal/runtime/", import.meta.url);
    const twins = readdirSync(dir).filter((name) => name.endsWith(".node.ts"));
    expect(twins.length).toBeGreaterThan(0);
    for (const name of twins) {
      const node = await import(new URL(name, dir).href);
      const edge = await import(new URL(name.replace(".node.ts", ".edge.ts"), dir).href);
      expect(Object.keys(edge).sort(), name).toEqual(Object.keys(node).sort());
    }
  });

  it("the generated table is of the mime-types installed", () => {
    const installed = createRequire(import.meta.url)("mime-types/package.json").version;
    expect(MIME_TYPES_VERSION, REGENERATE).toBe(installed);
  });

  it("the edge table gives mime-types' type for every extension mime-db knows", () => {
    const table = edgeMime.mimeData();
    const wrong = Object.keys(mime.types).filter(
      (extension) => table.typeOf(extension) !== mime.lookup(extension),
    );
    expect(wrong, REGENERATE).toEqual([]);
  });

  it("the edge table lists mime-types' extensions, in order, for every type", () => {
    const table = edgeMime.mimeData();
    for (const [type, extensions] of Object.entries(mime.extensions)) {
      expect(table.extensionsOf(type), `${type}: ${REGENERATE}`).toEqual(extensions);
    }
    expect(table.extensionsOf("application/x-not-a-type")).toBeUndefined();
    expect(table.extensionsOf("constructor")).toBeUndefined();
  });

  const filenames = [
    "report.pdf",
    "REPORT.PDF",
    "pdf",
    ".pdf",
    "x.pdf.",
    "archive.tar.gz",
    "dir/.bashrc",
    ".bashrc",
    "..bashrc",
    "dir.d/noext",
    "a/b.c/",
    "a/b.png/",
    "weird..jpeg",
    "back\\slash.png",
    "space .txt",
    "q.png?x=1",
    "..",
    "...",
    "",
    "/",
    "toString",
    "x.constructor",
    "x.__proto__",
    "photo.JPG",
    "data.json",
    "index.mjs",
    "movie.mp4",
    "song.mp3",
  ];

  it.each(filenames)("Node and edge guess the same type for %j", (filename) => {
    const expected = mime.lookup(filename) || undefined;
    expect(nodeMime.mimeData().typeOf(filename)).toBe(expected);
    expect(edgeMime.mimeData().typeOf(filename)).toBe(expected);
  });

  it("posixExtname is Node's path.posix.extname on every short name of . / a", () => {
    const alphabet = [".", "/", "a"];
    let names = [""];
    const mismatches: string[] = [];
    for (let length = 1; length <= 8; length++) {
      names = names.flatMap((prefix) => alphabet.map((c) => prefix + c));
      for (const name of names) {
        if (posixExtname(name) !== posix.extname(name)) mismatches.push(name);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("both parsers are email-addresses: same results on hard inputs", () => {
    const inputs = [
      '"Dr. Who" (the doctor) <who@example.com>',
      "Ana <ana@example.org>, bob@example.net",
      "Group: a@example.com, b@example.com;",
      "not an address",
      "José <josé@exämple.org>",
    ];
    const options = { rfc6532: true, startAt: "address-list" as const };
    for (const input of inputs) {
      expect(edgeParser.fullParser()({ input, ...options })).toEqual(
        nodeParser.fullParser()({ input, ...options }),
      );
    }
  });
});

describe("mimeTypeForFilename / extensionsForMimeType", () => {
  it("guess from the extension, any case; undefined when unknown", () => {
    expect(mimeTypeForFilename("report.PDF")).toBe("application/pdf");
    expect(mimeTypeForFilename("notes")).toBeUndefined();
    expect(mimeTypeForFilename("")).toBeUndefined();
    expect(mimeTypeForFilename(42 as unknown as string)).toBeUndefined();
  });

  it("list a type's extensions, preferred first, parameters and case ignored", () => {
    expect(extensionsForMimeType("image/jpeg")).toEqual(mime.extensions["image/jpeg"]);
    expect(extensionsForMimeType(" Text/Plain ; charset=utf-8")[0]).toBe(
      mime.extension("text/plain"),
    );
    expect(extensionsForMimeType("application/x-unknown")).toEqual([]);
    expect(extensionsForMimeType("")).toEqual([]);
  });
});
