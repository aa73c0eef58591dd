// The sign-in attack section of `npm run bench` (issue 7; `--only attack`,
// bench/results-attack.json): the throttle (src/auth/throttle.ts,
// password-attempt.ts) under the two attacks it is for, on a portal running
// with TRUST_PROXY=true, so every client says who it is in X-Forwarded-For
// (one address per request).
//
//   1. a burst: 200 wrong guesses at one account (the demo administrator)
//      sent at once from one address, each on a connection of its own. The
//      figure is how many password verifications the portal performed for
//      them: the `sign-in.failed` audit rows with why wrong-password for that
//      account, one per argon2 verify (target ≤ 6: the free allowance of an
//      account × address is 5). While the burst is in flight (all of it
//      written, not all of it answered) the owner signs in from another
//      address with the right password: it must get its 303.
//   2. spraying: legitimate users (LEGIT_USERS of the demo customer, each from
//      its own address, the right password) sign in over and over in a closed
//      loop, LEGIT_CLIENTS at a time: measured without an attack, during one,
//      and without again (the mean of before and after is "without"). The
//      attack: ATTACKER_ADDRESSES addresses cycling over SPRAY_ACCOUNTS e-mails
//      of the demo customer's RUT (most of them nobody's, the legitimate
//      users' among them), wrong passwords, ATTACK_CONNECTIONS connections,
//      each sending again as soon as it is answered. Two figures during it,
//      each ÷ without (target ≥ 0.8):
//        a. its first SECONDS seconds (after the usual second of warm-up),
//           while its addresses still have their free attempts
//           (FREE_PER_ADDRESS each, all verified);
//        b. SECONDS seconds from the moment those free attempts have all been
//           verified (its sign-in.failed rows reach ATTACKER_ADDRESSES ×
//           FREE_PER_ADDRESS),
//           the addresses now waiting out growing delays.
//      For context: the attacker's answers/s, and how many of its attempts
//      reached the hasher (its sign-in.failed rows: wrong-password for the
//      real e-mails, unknown-account, a dummy verify, for the others).
//
// Each figure's detail says where the portal's core went (el-monitor.mjs):
// the main thread, the hash thread running, the hash thread ready but
// waiting for the CPU, and other programs; a hash thread idle while
// sign-ins wait is the hasher standing aside (password-hasher.ts).
//
// Everyone it needs is inserted straight into the portal's database with the
// demo administrator's password hash: no hash is computed to seed them. The
// load comes from two driver processes (bench/sign-in-driver.mjs), legitimate
// and attacker, both on the load core.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { FREE_PER_ADDRESS } from '../src/auth/password-attempt.ts';
import {
  addUp,
  ask,
  BENCH,
  benchAddress,
  canPin,
  cpuSnapshot,
  DEMO,
  drained,
  FIRST_WARMUP_SECONDS,
  load,
  LOAD_CORE,
  log,
  measure,
  n,
  noiseOf,
  nonOk,
  okPerSecond,
  onCleanup,
  othersPct,
  pass,
  prepareDatabase,
  ready,
  SECONDS,
  seedUsers,
  SERVER_CORE,
  signInRequest,
  sleep,
  spawnNode,
  startInBackground,
  startPortal,
  stop,
  table,
  waitForQuiet,
  type BenchDatabase,
  type LoadResult,
  type Measurement,
  type Row,
  type ServerStats,
} from './harness.ts';

const BURST_GUESSES = 200;
const LEGIT_USERS = 60;
const SPRAY_ACCOUNTS = 1000;
const ATTACKER_ADDRESSES = 20;
/** BENCH_ATTACK_CONNECTIONS changes it, to see how the figures depend on how hard the attacker pushes. */
const ATTACK_CONNECTIONS = Number(process.env.BENCH_ATTACK_CONNECTIONS ?? 128);
/** How long the attacker's free attempts may take to be verified before the steady part is measured anyway. */
const MAX_SPEND_MS = 90_000;

// Address blocks (benchAddress numbers): each kind of client has its own.
const LEGIT_BLOCK = 0x1000; // 198.18.16.x
const ATTACKER_BLOCK = 0x2000; // 198.18.32.x
const BURST_ADDRESS = benchAddress(0x3000); // 198.18.48.0
const OWNER_ADDRESS = benchAddress(0x3001); // 198.18.48.1
const LEGIT_PREFIX = '198.18.16.';
const ATTACKER_PREFIX = '198.18.32.';
/** What the throttle lets the attacker's addresses try (decision 0008: 20 free per address over all accounts). */
const FREE_BUDGET_TEXT = `${ATTACKER_ADDRESSES} addresses × ${FREE_PER_ADDRESS} free, then one attempt per growing delay (1 s, 2 s, 4 s …)`;

/** Portal start, seeding, the burst and three measurements with their warm-ups and drains. */
export function attackDeadlineMs(): number {
  return 150_000 + MAX_SPEND_MS + 5 * (SECONDS + 1) * 1000;
}

type DriverResult = LoadResult & { sent: number; timeline: Array<Record<string, number>>; driverCpuPct: number };

interface BurstResult {
  guesses: number;
  byStatus: Record<string, number>;
  errors: number;
  firstAnswerMs: number;
  lastAnswerMs: number;
  written: number;
  owner: {
    status: number | null;
    error: string | null;
    location: string | null;
    sentAtMs: number;
    answeredAtMs: number;
    burstAnsweredWhenSent: number;
    burstAnsweredWhenAnswered: number;
  } | null;
}

function startDriver(): Promise<ChildProcess> {
  return ready(spawnNode(LOAD_CORE, [join(BENCH, 'sign-in-driver.mjs')]));
}

async function auditCounts(db: BenchDatabase, where: string, params: unknown[]): Promise<{ failed: Record<string, number>; throttledRows: number; refused: number; ok: number }> {
  const rows = await db.query<{ action: string; detail: string | null }>(
    `select action, detail from audit_events where action in ('sign-in.failed', 'sign-in.throttled', 'sign-in.ok') and ${where}`,
    params,
  );
  const failed: Record<string, number> = {};
  let throttledRows = 0;
  let refused = 0;
  let ok = 0;
  for (const r of rows) {
    const detail = r.detail ? (JSON.parse(r.detail) as { why?: string; refused?: number }) : {};
    if (r.action === 'sign-in.failed') failed[detail.why ?? '?'] = (failed[detail.why ?? '?'] ?? 0) + 1;
    else if (r.action === 'sign-in.throttled') {
      throttledRows++;
      refused += detail.refused ?? 0;
    } else ok++;
  }
  return { failed, throttledRows, refused, ok };
}

const sumOf = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const byStatusText = (r: Record<string, number>) => Object.entries(r).map(([code, count]) => `${n(count)}×${code}`).join(', ') || 'none';

/** Legitimate sign-ins per second, second by second ("·" marks a second with none). */
const timelineText = (t: DriverResult['timeline']) => t.map((s) => String(s['303'] ?? '·')).join(' ');

function serverDetail(s: ServerStats, others?: Record<string, number>): string {
  const hash = typeof s.hashRunPct === 'number' ? `, hash thread ran ${s.hashRunPct}% and waited for the CPU ${s.hashWaitPct}% of the time` : '';
  const elsewhere = others ? `; other programs took ${Object.entries(others).map(([core, pct]) => `${pct}% of core ${core}`).join(', ')}` : '';
  return `server CPU ${s.cpuPct}%, main thread ${s.mainCpuPct}%${hash}, event-loop p99 ${s.p99Ms} ms${elsewhere}`;
}

/** Issue 7's figures; returns whether every target was met. */
export async function signInAttackBench(opts: { usePostgres: boolean; hashConcurrency: number }): Promise<boolean> {
  const { usePostgres, hashConcurrency } = opts;
  await waitForQuiet();
  const tempDir = mkdtempSync(join(tmpdir(), 'mi-portal-bench-attack-'));
  onCleanup(() => rmSync(tempDir, { recursive: true, force: true }));
  const database = await prepareDatabase(tempDir, usePostgres);
  const dbName = usePostgres ? 'PostgreSQL' : 'SQLite';

  log(`attack: portal on core ${canPin ? SERVER_CORE : '*'} (TRUST_PROXY=true), drivers on core ${canPin ? LOAD_CORE : '*'}, ${dbName}, hash concurrency ${hashConcurrency}, ${SECONDS} s per measurement`);
  const { portal, base } = await startPortal(database.url, { PASSWORD_HASH_CONCURRENCY: String(hashConcurrency), TRUST_PROXY: 'true' });
  try {
    // ------------------------------------------------------------ seeding
    const legitUsers = await seedUsers(database, LEGIT_USERS, (i) => `cliente-${i + 1}@losaromos.cl`, (i) => benchAddress(LEGIT_BLOCK + i));
    const attackers = Array.from({ length: ATTACKER_ADDRESSES }, (_, a) => benchAddress(ATTACKER_BLOCK + a));
    // The sprayed e-mails: the legitimate users' and the demo technical user's
    // spread among ones nobody has (every 16th or so is real).
    const real = [...legitUsers.map((u) => u.email), 'tecnico@losaromos.cl'];
    const sprayed: string[] = [];
    for (let k = 0, r = 0; k < SPRAY_ACCOUNTS; k++) {
      sprayed.push(k % Math.floor(SPRAY_ACCOUNTS / real.length) === 0 && r < real.length ? real[r++]! : `persona-${k + 1}@losaromos.cl`);
    }
    const realSprayed = sprayed.filter((e) => real.includes(e)).length;
    const sprayRequests = sprayed.map((email, k) =>
      signInRequest({ rut: DEMO.rut, email, password: `Adivinanza-${k % 97}-2026!`, ip: attackers[k % ATTACKER_ADDRESSES]! }),
    );
    const legitRequests = legitUsers.map((u) => signInRequest(u));
    const legitClients = hashConcurrency * 2 + 1;
    const legitOpts = { url: base, connections: legitClients, requestCycle: legitRequests, timeout: 60 };

    const legit = await startDriver();
    const attacker = await startDriver();

    // Code and the hash thread warm, with sign-ins that touch nothing the figures count.
    log(`warming up the portal for ${FIRST_WARMUP_SECONDS} s`);
    await load(legit, { ...legitOpts, duration: FIRST_WARMUP_SECONDS });
    await drained(portal);

    // ------------------------------------------------------------ 1: the burst
    log(`burst: ${BURST_GUESSES} concurrent wrong guesses at ${DEMO.email} from ${BURST_ADDRESS}; the owner from ${OWNER_ADDRESS} meanwhile`);
    const burstBefore = cpuSnapshot();
    await ask(portal, { bench: 'reset' });
    const burstAnswer = await ask<{ result?: BurstResult; error?: string }>(
      attacker,
      {
        load: 'burst',
        opts: {
          url: base,
          guesses: BURST_GUESSES,
          guess: signInRequest({ rut: DEMO.rut, email: DEMO.email, password: 'Adivinanza-2026!', ip: BURST_ADDRESS }),
          owner: signInRequest({ rut: DEMO.rut, email: DEMO.email, password: DEMO.password, ip: OWNER_ADDRESS }),
          timeout: 60,
        },
      },
      120_000,
    );
    if (!burstAnswer.result) throw new Error(`burst: ${burstAnswer.error}`);
    const burst = burstAnswer.result;
    const burstServer = await ask<ServerStats>(portal, { bench: 'read' });
    const burstOthers = othersPct(burstBefore, cpuSnapshot());
    await drained(portal);
    const burstAudit = await auditCounts(database, 'actor_label = ? and ip = ?', [DEMO.email, BURST_ADDRESS]);
    const ownerAudit = await auditCounts(database, 'actor_label = ? and ip = ?', [DEMO.email, OWNER_ADDRESS]);
    const verifications = burstAudit.failed['wrong-password'] ?? 0;
    const owner = burst.owner;
    const ownerIn = owner !== null && owner.status === 303 && owner.burstAnsweredWhenSent < BURST_GUESSES;

    // ------------------------------------------------------------ 2: spraying
    log(`legitimate sign-ins (${LEGIT_USERS} users, ${legitClients} clients) without, during and after spraying (${ATTACKER_ADDRESSES} addresses × ${SPRAY_ACCOUNTS} e-mails, ${ATTACK_CONNECTIONS} connections)`);
    const hashedForAttackers = async () =>
      Number((await database.query<{ c: number | string }>('select count(*) as c from audit_events where action = ? and ip like ?', ['sign-in.failed', `${ATTACKER_PREFIX}%`]))[0]?.c ?? 0);
    const before = await measure(legit, portal, legitOpts);
    const attackStartedAt = new Date().toISOString();
    const attackBefore = cpuSnapshot();
    const t0 = performance.now();
    const since = () => performance.now() - t0;
    const attack = startInBackground(attacker, { url: base, connections: ATTACK_CONNECTIONS, requestCycle: sprayRequests, duration: 3600, timeout: 120 });
    // a. The attack's first seconds (after the usual second of warm-up): its
    //    addresses still have their free attempts, and every one is a verify.
    const onset = await measure(legit, portal, legitOpts);
    const onsetEndMs = since();
    const hashedInOnset = await hashedForAttackers();
    // b. Until those free attempts have all been verified, the legitimate
    //    users go on signing in, counted second by second.
    const budget = ATTACKER_ADDRESSES * FREE_PER_ADDRESS;
    const stall = startInBackground(legit, { ...legitOpts, duration: 3600 });
    let spentAtMs: number | null = null;
    while (since() < MAX_SPEND_MS) {
      if ((await hashedForAttackers()) >= budget) {
        spentAtMs = since();
        break;
      }
      await sleep(250);
    }
    const stallLoad = (await stall.stop()) as DriverResult;
    // c. The attack goes on, its addresses now each waiting out growing delays.
    const steadyFromMs = since();
    const hashedAtSteady = await hashedForAttackers();
    const steady = await measure(legit, portal, legitOpts);
    const hashedSteady = (await hashedForAttackers()) - hashedAtSteady;
    const steadyToMs = since();
    const attackResult = (await attack.stop()) as DriverResult;
    const attackOthers = othersPct(attackBefore, cpuSnapshot());
    // The attacker's last answers and whatever it left in the hasher's queue, then the second baseline.
    await drained(portal, 60_000);
    const after = await measure(legit, portal, legitOpts);
    await stop(legit);
    await stop(attacker);

    const sprayAudit = await auditCounts(database, 'ip like ?', [`${ATTACKER_PREFIX}%`]);
    const legitAudit = await auditCounts(database, 'ip like ? and at >= ?', [`${LEGIT_PREFIX}%`, attackStartedAt]);
    const reachedHasher = sumOf(sprayAudit.failed);
    const attackAnswers = attackResult.total;
    // The attacker's answers in the steady part, from its own second-by-second count.
    const steadySeconds = attackResult.timeline.slice(Math.ceil(steadyFromMs / 1000), Math.floor(steadyToMs / 1000));
    const steadyAttackRate = steadySeconds.length > 0 ? steadySeconds.reduce((a, t) => a + sumOf(t), 0) / steadySeconds.length : NaN;

    // ------------------------------------------------------------ figures
    const baseline = addUp([before, after]);
    const baseRate = okPerSecond(baseline.load, '303');
    const legitLockouts = sumOf(legitAudit.failed) + legitAudit.throttledRows;
    const ratioRow = (name: string, m: Measurement, context: string): Row => ({
      name,
      noisePct: noiseOf(before, m, after),
      value: okPerSecond(m.load, '303') / baseRate,
      unit: 'ratio',
      target: { op: '>=', value: 0.8 },
      detail:
        `${n(okPerSecond(m.load, '303'), 1)} vs ${n(baseRate, 1)} sign-ins/s (without: ${n(okPerSecond(before.load, '303'), 1)} before, ${n(okPerSecond(after.load, '303'), 1)} after); ` +
        `p99 latency ${m.load.latencyMs.p99} ms vs ${before.load.latencyMs.p99} ms before; each second: ${timelineText((m.load as DriverResult).timeline)}; ${context}; ` +
        `${serverDetail(m.server, m.othersPct)}; legit driver CPU ${(m.load as DriverResult).driverCpuPct}%` +
        nonOk(m.load, '303'),
    });
    const rows: Row[] = [
      {
        name: `verifications for ${BURST_GUESSES} concurrent wrong guesses at one account`,
        noisePct: noiseOf({ othersPct: burstOthers }),
        value: verifications,
        unit: 'count',
        target: { op: '<=', value: 6 },
        detail:
          `${verifications} sign-in.failed rows (wrong-password) for ${DEMO.email} from ${BURST_ADDRESS}; answers ${byStatusText(burst.byStatus)}` +
          (burst.errors ? `, ${burst.errors} connection errors` : '') +
          `, from ${burst.firstAnswerMs} to ${burst.lastAnswerMs} ms; ${n(BURST_GUESSES - verifications)} refused without hashing ` +
          `(${burstAudit.throttledRows} sign-in.throttled row${burstAudit.throttledRows === 1 ? '' : 's'}, refused ${burstAudit.refused} in ${burstAudit.throttledRows === 1 ? 'it' : 'them'}; the rest wait for the next minute's row); ${serverDetail(burstServer, burstOthers)}`,
      },
      {
        name: 'owner signs in from another address during the burst',
        noisePct: noiseOf({ othersPct: burstOthers }),
        value: ownerIn ? 1 : 0,
        unit: 'yes/no',
        target: { op: '>=', value: 1 },
        detail: owner
          ? `answer ${owner.status ?? owner.error}${owner.location ? ` → ${owner.location}` : ''}, sent at ${owner.sentAtMs} ms with ${owner.burstAnsweredWhenSent} of ${BURST_GUESSES} guesses answered, ` +
            `answered at ${owner.answeredAtMs} ms with ${owner.burstAnsweredWhenAnswered} answered (sign-in.ok rows from ${OWNER_ADDRESS}: ${ownerAudit.ok})`
          : 'the owner was never sent',
      },
      ratioRow(
        `legitimate sign-ins/s, first ${SECONDS} s of spraying ÷ without`,
        onset,
        `the attacker's attempts verified by ${n(onsetEndMs / 1000, 1)} s into the attack: ${hashedInOnset} of its ${budget} free ones; ` +
          `while they last every attacker connection holds a place in the hasher's queue, which serves in arrival order: ` +
          `${legitClients} legitimate clients among ${legitClients + ATTACK_CONNECTIONS} get about ${(legitClients / (legitClients + ATTACK_CONNECTIONS)).toFixed(3)} of it`,
      ),
      ratioRow(
        'legitimate sign-ins/s, spraying after its free attempts ÷ without',
        steady,
        (spentAtMs === null
          ? `the attacker's ${budget} free attempts were still not all verified ${n(MAX_SPEND_MS / 1000)} s into the attack`
          : `its ${budget} free attempts were all verified ${n(spentAtMs / 1000, 1)} s into the attack`) +
          ` (legitimate sign-ins each second until then, after the first window: ${timelineText(stallLoad.timeline)}); measured from ${n(steadyFromMs / 1000, 1)} to ${n(steadyToMs / 1000, 1)} s, ` +
          `the attacker meanwhile ${n(steadyAttackRate)} answers/s, ${hashedSteady} of its attempts verified (${n(hashedSteady / ((steadyToMs - steadyFromMs) / 1000), 1)}/s; ` +
          `with the legitimate ones the hasher did ${n(okPerSecond(steady.load, '303') + hashedSteady / ((steadyToMs - steadyFromMs) / 1000), 1)} verifications/s, against ${n(baseRate, 1)} without the attack); ` +
          `legitimate sign-ins refused or failed since the attack began: ${legitLockouts}; attacker driver CPU ${attackResult.driverCpuPct}%`,
      ),
      {
        name: 'spraying: attacker answers/s',
        noisePct: noiseOf({ othersPct: attackOthers }),
        value: attackAnswers / attackResult.seconds,
        unit: 'count',
        target: null,
        detail:
          `${n(attackAnswers)} answers in ${n(attackResult.seconds, 1)} s (${byStatusText(attackResult.byStatus)}` +
          (attackResult.errors ? `, ${attackResult.errors} errors` : '') + (attackResult.timeouts ? `, ${attackResult.timeouts} timeouts` : '') +
          `), ${ATTACK_CONNECTIONS} connections, p50 ${attackResult.latencyMs.p50} ms, p99 ${attackResult.latencyMs.p99} ms; ` +
          `${ATTACKER_ADDRESSES} addresses over ${SPRAY_ACCOUNTS} e-mails, ${realSprayed} of them real`,
      },
      {
        name: 'spraying: attempts that reached the hasher',
        noisePct: noiseOf({ othersPct: attackOthers }),
        value: reachedHasher,
        unit: 'count',
        target: null,
        detail:
          `sign-in.failed rows from the attacker's addresses: ${Object.entries(sprayAudit.failed).map(([why, c]) => `${c} ${why}`).join(', ') || 'none'} ` +
          `(${attackResult.sent > 0 ? ((reachedHasher / attackResult.sent) * 100).toFixed(2) : '—'}% of the ${n(attackResult.sent)} it sent; the throttle allows ${FREE_BUDGET_TEXT}); ` +
          `${sprayAudit.throttledRows} sign-in.throttled rows (refused ${sprayAudit.refused} in them)`,
      },
    ];

    process.stdout.write(`\nMi Portal bench, sign-in attack — ${dbName}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})\n\n`);
    const pgNote = usePostgres ? ['    With --postgres the database server is one of those programs: its work for the portal counts as other load.'] : [];
    process.stdout.write(`${table(rows, pgNote)}\n\n`);

    const results = {
      at: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? null,
      cores: cpus().length,
      pinned: canPin ? { portal: SERVER_CORE, load: LOAD_CORE } : null,
      database: usePostgres ? 'postgres' : 'sqlite',
      secondsPerMeasurement: SECONDS,
      hashConcurrency,
      setup: { burstGuesses: BURST_GUESSES, legitUsers: LEGIT_USERS, legitClients, sprayAccounts: SPRAY_ACCOUNTS, realSprayed, attackerAddresses: ATTACKER_ADDRESSES, attackConnections: ATTACK_CONNECTIONS },
      figures: rows.map((r) => ({ name: r.name, value: r.value, unit: r.unit, target: r.target, result: pass(r), detail: r.detail })),
      raw: {
        burst, burstServer, burstAudit, ownerAudit, before, onset, stall: stallLoad, steady, after, attack: attackResult, sprayAudit, legitAudit,
        timesMs: { onsetEnd: onsetEndMs, freeAttemptsSpent: spentAtMs, steadyFrom: steadyFromMs, steadyTo: steadyToMs }, hashedInOnset, hashedSteady,
      },
    };
    writeFileSync(join(BENCH, 'results-attack.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write('Written to bench/results-attack.json\n');
    return !rows.some((r) => pass(r) === 'FAIL');
  } finally {
    await stop(portal);
    await database.drop().catch((err) => process.stderr.write(`bench: could not drop the bench schema: ${err}\n`));
  }
}
