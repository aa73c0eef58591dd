/**
 * Render JSX to HTML without hono/jsx's render context. Its toString() runs
 * inside AsyncLocalStorage.run(), and on Node 20 the first run() turns on
 * promise hooks for the whole process: every promise afterwards (each
 * database query, each middleware) pays for it, ~30 % of a simple request.
 * Our views are synchronous and use no JSX context, so the render context
 * buys nothing; anything that does need it (an async component) falls back
 * to the full renderer.
 */
export function renderToString(node: unknown): string {
  const jsx = node as { toStringToBuffer?: (buffer: string[]) => void } | null;
  if (jsx && typeof jsx.toStringToBuffer === 'function') {
    const buffer: string[] = [''];
    jsx.toStringToBuffer(buffer);
    if (buffer.length === 1 && !('callbacks' in buffer)) return buffer[0]!;
  }
  return String(node);
}
