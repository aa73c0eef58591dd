// Headers read from node:http's raw list: req.headers would build an object
// of every header first, a cost the pages served ahead of the framework
// (page-cache.ts, reader-pages.ts) do not need to pay.

/** The first occurrence of a header (`name` in lower case). */
export function rawHeader(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** How many times a header occurs. */
export function rawHeaderCount(raw: string[], name: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) n++;
  return n;
}

/** Every occurrence of a header, joined as node:http and fetch's Headers join them. */
export function rawHeaderAll(raw: string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) out = out === undefined ? raw[i + 1]! : `${out}, ${raw[i + 1]}`;
  }
  return out;
}
