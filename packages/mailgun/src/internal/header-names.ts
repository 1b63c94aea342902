/**
 * Header names as Mailgun's `h:` fields spell them: anymail title-cases every name
 * (`x-my-header` → `X-My-Header`, `Message-ID` → `Message-Id`), so two spellings of one
 * header become one field and `mergeHeaders` finds the matching `headers` default.
 */
export function titleCaseHeaderName(name: string): string {
  return name.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => {
    return before + letter.toUpperCase();
  });
}
