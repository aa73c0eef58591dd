import { afterAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher.ts';

describe('password hasher lanes', () => {
  const hasher = new PasswordHasher(1);
  afterAll(() => hasher.close());

  it('serves ordinary verifications before suspicious ones queued earlier', async () => {
    const hash = await hasher.hash('una clave cualquiera para probar');
    const finished: string[] = [];
    const low = Array.from({ length: 6 }, (_, i) => hasher.verify(hash, 'equivocada', { lowPriority: true }).then(() => finished.push(`low${i}`)));
    const normal = Array.from({ length: 3 }, (_, i) => hasher.verify(hash, 'una clave cualquiera para probar').then((ok) => finished.push(`normal${i}:${ok}`)));
    await Promise.all([...low, ...normal]);
    // At most the suspicious job already running when the ordinary ones arrived finishes before them.
    const firstNormal = finished.findIndex((f) => f.startsWith('normal'));
    expect(firstNormal).toBeLessThanOrEqual(1);
    expect(finished.slice(firstNormal, firstNormal + 3)).toEqual(['normal0:true', 'normal1:true', 'normal2:true']);
  });

  it('serves the less suspicious of the suspicious first: a person’s second try before a sprayer’s twentieth', async () => {
    const hash = await hasher.hash('clave para ordenar sospechas');
    const finished: string[] = [];
    const sprayer = Array.from({ length: 4 }, (_, i) => hasher.verify(hash, 'x', { lowPriority: true, suspicion: 20 }).then(() => finished.push(`sprayer${i}`)));
    const person = hasher.verify(hash, 'x', { lowPriority: true, suspicion: 2 }).then(() => finished.push('person'));
    await Promise.all([...sprayer, person]);
    expect(finished.indexOf('person')).toBeLessThanOrEqual(1);
  });

  it('gives suspicious verifications only a small share of the time when they are alone', async () => {
    const hash = await hasher.hash('otra clave para la prueba de cuota');
    const t = performance.now();
    await hasher.verify(hash, 'x');
    const one = performance.now() - t;
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => hasher.verify(hash, 'x', { lowPriority: true })));
    const four = performance.now() - started;
    // Four jobs at a 5 % share take well over four jobs' time.
    expect(four).toBeGreaterThan(one * 4 * 2);
  });
});

describe('password hasher threads', () => {
  it('ends its threads once idle and starts them again for the next hash', async () => {
    const hasher = new PasswordHasher(2, 300);
    try {
      expect(hasher.liveThreads).toBe(0);
      const phc = await hasher.hash('una clave de prueba larga');
      expect(hasher.liveThreads).toBe(2);
      // Work arriving before the idle period ends keeps them.
      await new Promise((r) => setTimeout(r, 150));
      expect(await hasher.verify(phc, 'una clave de prueba larga')).toBe(true);
      await new Promise((r) => setTimeout(r, 150));
      expect(hasher.liveThreads).toBe(2);
      for (let i = 0; i < 40 && hasher.liveThreads > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(hasher.liveThreads).toBe(0);
      // Started again on demand, and they still verify (and refuse) correctly.
      const [right, wrong] = await Promise.all([hasher.verify(phc, 'una clave de prueba larga'), hasher.verify(phc, 'otra clave')]);
      expect([right, wrong]).toEqual([true, false]);
      expect(hasher.liveThreads).toBe(2);
    } finally {
      await hasher.close();
    }
  });
});
