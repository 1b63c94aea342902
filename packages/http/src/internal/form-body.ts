/**
 * A multipart body as the platform encodes it (the encoder `fetch` uses). Bodies whose files
 * total more than `streamAbove` bytes stay a stream: each file part is read from its Blob as
 * the request is written. Smaller ones are buffered, which gives a Content-Length and one
 * write, and costs about half the CPU of a streamed, chunked body.
 */
export async function encodeFormData(
  form: FormData,
  streamAbove: number,
): Promise<{ body: Uint8Array | ReadableStream<Uint8Array>; contentType: string }> {
  let fileBytes = 0;
  for (const [, value] of form) if (typeof value !== "string") fileBytes += value.size;
  const encoded = new Response(form);
  const contentType = encoded.headers.get("content-type") ?? "multipart/form-data";
  if (fileBytes > streamAbove && encoded.body !== null) return { body: encoded.body, contentType };
  return { body: new Uint8Array(await encoded.arrayBuffer()), contentType };
}
