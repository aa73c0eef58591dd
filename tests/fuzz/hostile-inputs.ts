/**
 * The seeded generator the hostile-request fuzz tests share: a failure
 * prints its seed, and the same seed replays the same requests.
 */

/** mulberry32: small, fast and the same on every platform. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
export type Rng = ReturnType<typeof prng>;

/** A path segment or query value: sometimes raw (already percent-encoded, or broken), sometimes encoded. */
export function encodeSegment(rng: Rng, v: string): string {
  return rng.next() < 0.5 ? v.replace(/[\s/?#]/g, (c) => encodeURIComponent(c)) : encodeURIComponent(v);
}

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}
