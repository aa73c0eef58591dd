import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
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

describe('password hasher on a busy machine', () => {
  // The slow lane's share is of hashing CPU. At nice 19, with every core taken by
  // ordinary-priority work (other processes, or a CI run's other test files), one hash
  // takes many times its CPU in wall time; shutting the lane for 19 times *that* kept a
  // person at an address where someone once mistyped waiting far past a browser's patience.
  it.runIf(process.platform === 'linux')('reopens the slow lane after 19 times a job\'s CPU, not 19 times its stretched wall time', async () => {
    const hasher = new PasswordHasher(1);
    const spinners: ChildProcess[] = [];
    try {
      const hash = await hasher.hash('clave para la máquina ocupada');
      let t = performance.now();
      await hasher.verify(hash, 'x');
      const idleMs = performance.now() - t;
      for (let i = 0; i < availableParallelism(); i++) spinners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
      await new Promise((r) => setTimeout(r, 200));
      t = performance.now();
      await hasher.verify(hash, 'x');
      const busyMs = performance.now() - t;
      t = performance.now();
      await Promise.all([hasher.verify(hash, 'x', { lowPriority: true }), hasher.verify(hash, 'x', { lowPriority: true })]);
      const twoLowMs = performance.now() - t;
      // Two jobs of up to the stretched duration each, and one shut lane between them of 19
      // times the CPU (the idle machine's duration, with room for noise), never 19 × busyMs.
      expect(twoLowMs).toBeLessThan(3 * busyMs + 19 * idleMs * 2 + 500);
      if (busyMs > 4 * idleMs) expect(twoLowMs).toBeLessThan(19 * busyMs);
    } finally {
      for (const s of spinners) s.kill('SIGKILL');
      await hasher.close();
    }
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

describe('password hasher: a thread that dies', () => {
  // A hashing thread can end on its own (out of memory: ERR_WORKER_OUT_OF_MEMORY, or its file missing
  // beside the bundle). The job it was running fails; the ones queued behind it, and every later one,
  // run on a new thread instead of waiting for good (every sign-in of the instance hung).
  const workers = (h: PasswordHasher) => (h as unknown as { threads?: { worker: { terminate(): Promise<number> } }[] }).threads ?? [];
  const within = <T>(p: Promise<T>, ms = 5_000) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

  it('runs the job it was running once more, and the queued and later ones, on a new thread', async () => {
    const hasher = new PasswordHasher(1);
    try {
      const phc = await hasher.hash('una clave de prueba larga');
      const running = hasher.verify(phc, 'una clave de prueba larga');
      const queued = hasher.verify(phc, 'otra clave');
      const first = workers(hasher)[0]!;
      void first.worker.terminate();
      expect(await within(Promise.all([running, queued]))).toEqual([true, false]);
      expect(workers(hasher)[0]).not.toBe(first);
      expect(await within(hasher.verify(phc, 'una clave de prueba larga'))).toBe(true);
      expect(hasher.liveThreads).toBe(1);
    } finally {
      await hasher.close();
    }
  });

  it('fails a job whose thread dies twice under it (no endless retry), and the next job still runs', async () => {
    const hasher = new PasswordHasher(1);
    try {
      const phc = await hasher.hash('una clave de prueba larga');
      const doomed = hasher.verify(phc, 'una clave de prueba larga');
      const settled = doomed.then(() => 'answered', (e: Error) => e.message);
      const first = workers(hasher)[0]!;
      void first.worker.terminate();
      for (let i = 0; i < 200 && workers(hasher)[0] === first; i++) await new Promise((r) => setTimeout(r, 1));
      void workers(hasher)[0]!.worker.terminate();
      expect(await within(settled)).toMatch(/thread ended/);
      expect(await within(hasher.verify(phc, 'otra clave'))).toBe(false);
    } finally {
      await hasher.close();
    }
  });

  it('keeps answering when threads end on their own while idle, and when the idle timer ends them mid-burst', async () => {
    const hasher = new PasswordHasher(2, 1);
    try {
      const phc = await hasher.hash('una clave de prueba larga');
      void Promise.all(workers(hasher).map((t) => t.worker.terminate()));
      const answers: Promise<boolean>[] = [];
      for (let i = 0; i < 12; i++) {
        answers.push(hasher.verify(phc, i % 2 === 0 ? 'una clave de prueba larga' : 'otra clave'));
        await new Promise((r) => setTimeout(r, i % 3));
      }
      const got = await within(Promise.all(answers), 20_000);
      expect(got).toEqual(Array.from({ length: 12 }, (_, i) => i % 2 === 0));
    } finally {
      await hasher.close();
    }
  });
});
