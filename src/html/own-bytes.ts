/**
 * Bytes to keep for a long time (a cache). A Buffer under 4 KB made by
 * Buffer.from or Buffer.concat is a slice of Node's shared 8 KB pool: kept,
 * it would hold the whole slab against a budget that counts only its own
 * length. These have memory of their own.
 */
export function ownUtf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

/** `b` itself when it already has its memory to itself, else a copy that does. */
export function ownBytes(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.byteLength) return b;
  const own = Buffer.allocUnsafeSlow(b.byteLength);
  b.copy(own);
  return own;
}
