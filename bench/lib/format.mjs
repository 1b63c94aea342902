/** Renders rows of plain values as an aligned Markdown table (readable in a terminal too). */
export function markdownTable(headers, rows) {
  for (const row of rows) {
    if (row.length !== headers.length) {
      throw new Error(
        `table row has ${row.length} cells for ${headers.length} headers: ${row.join(" | ")}`,
      );
    }
  }
  const cells = [headers, ...rows].map((row) => row.map((value) => String(value ?? "")));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length), 3));
  const numeric = headers.map((_, i) =>
    rows.every((row) =>
      /^[-+]?[\d.,]+( ?(%|×|ms|µs|KB|MB|B|\/s))?$|^$|^n\/a$/.test(String(row[i] ?? "")),
    ),
  );
  const line = (row) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a"),
  ms: (n, digits = 2) => (Number.isFinite(n) ? `${n.toFixed(digits)} ms` : "n/a"),
  ratio: (n) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "n/a"),
  pct: (n) => (Number.isFinite(n) ? `${Math.round(n)}%` : "n/a"),
  kb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : "n/a"),
  mb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : "n/a"),
};

/** "✅ met" / "❌ missed" against a target, so the table says where we stand. */
export function verdict(ok) {
  return ok ? "met" : "MISSED";
}
