/**
 * POSIX `path.extname`, for runtimes without `path`: the last `.`-suffix of the last
 * segment (trailing slashes ignored), "" when that segment has no dot past its first
 * character, and "" for `..`. test/mime-table.test.ts compares it with Node's.
 */
export function posixExtname(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  const segment = path.slice(path.lastIndexOf("/", end - 1) + 1, end);
  const dot = segment.lastIndexOf(".");
  if (dot <= 0 || segment === "..") return "";
  return segment.slice(dot);
}
