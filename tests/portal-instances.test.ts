import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../src/db/create-db.ts';
import { DEMO } from '../src/demo/seed-demo.ts';
import { startPortalInstances, type PortalInstances } from './portal-instances.ts';

// Three real portal processes on one PostgreSQL schema behind a round-robin
// proxy; one is SIGKILLed while requests flow. PostgreSQL only (on SQLite
// the portal is one process by design): `describe.runIf`, so with
// DATABASE_URL=postgres… it runs in CI and skips nothing there.

const postgres = isPostgresUrl(process.env.DATABASE_URL ?? '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A browser over fetch through the proxy: cookies, the CSRF field from its cookie, and which instance answered. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.cookies.get('csrf') ?? '', ...form }).toString();
    }
    const res = await fetch(this.base + path, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const [k, v] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
      if (!v || /max-age=0/i.test(line)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return { status: res.status, location: res.headers.get('location'), servedBy: res.headers.get('x-served-by'), text: await res.text() };
  }
}

describe.runIf(postgres)('three portal instances behind a round-robin proxy on one PostgreSQL', () => {
  let cluster: PortalInstances;
  beforeAll(async () => {
    cluster = await startPortalInstances(3);
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('keep the session across instances, and lose nothing when one is SIGKILLed while requests flow', { timeout: 90_000 }, async () => {
    // The schema came through DATABASE_URL alone (pg's options parameter), for the test's connection as for the instances'.
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(cluster.db);
    expect(rows[0]!.s).toBe(cluster.schema);

    const browser = new Browser(cluster.proxy.url);
    await browser.request('/ingresar');
    const signIn = await browser.request('/ingresar', { rut: DEMO.rut, email: DEMO.admin.email, password: DEMO.admin.password });
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe('/servicios');

    // The session opened on one instance is good on every other: it lives in PostgreSQL.
    const servedBy = new Set<string>();
    for (const path of ['/servicios', '/usuarios', '/ayuda', '/servicios', '/usuarios', '/ayuda']) {
      const page = await browser.request(path);
      expect(page.status, `${path} on ${page.servedBy}`).toBe(200);
      expect(page.text).toContain(DEMO.admin.name);
      servedBy.add(page.servedBy!);
    }
    expect([...servedBy].sort()).toEqual(['i1', 'i2', 'i3']);

    const first = await browser.request('/usuarios/nuevo', { name: 'Técnica Uno', email: 'tecnica1@losaromos.cl' });
    expect(first.status).toBe(303);
    const created: Array<{ email: string; status: number; afterKill: boolean }> = [{ email: 'tecnica1@losaromos.cl', status: first.status, afterKill: false }];

    // Requests flow: three readers and one writer adding technical users, while i2 is killed.
    const reads: Array<{ path: string; status: number; servedBy: string | null; signedIn: boolean; afterKill: boolean }> = [];
    let killed = false;
    let flowing = true;
    const paths = ['/servicios', '/usuarios', '/ayuda'];
    // Paced a little: flat-out readers kept every instance's event loop so busy that its password hashing (which
    // steps aside under load) starved the writer, and a run on a loaded machine created one user in 20 s.
    const readers = [0, 1, 2].map(async (r) => {
      for (let k = r; flowing; k++) {
        const afterKill = killed;
        const page = await browser.request(paths[k % paths.length]!);
        reads.push({ path: paths[k % paths.length]!, status: page.status, servedBy: page.servedBy, signedIn: page.text.includes(DEMO.admin.name), afterKill });
        await sleep(20);
      }
    });
    const writer = (async () => {
      for (let i = 2; flowing && i < 60; i++) {
        const email = `tecnica${i}@losaromos.cl`;
        const afterKill = killed;
        const res = await browser.request('/usuarios/nuevo', { name: `Técnica ${i}`, email });
        created.push({ email, status: res.status, afterKill });
      }
    })();
    await sleep(1_500);
    const victim = cluster.instances[1]!;
    await victim.kill('SIGKILL');
    const goneAt = Date.now();
    killed = true;
    // Until the survivors have answered a few of each after the kill (each new user hashes a password: slow on a
    // loaded machine). Waited for, not a fixed span; the bound only keeps a broken run from hanging.
    const enough = () => reads.filter((r) => r.afterKill).length >= 10 && created.filter((c) => c.afterKill && c.status === 303).length >= 2;
    const until = Date.now() + 60_000;
    while (Date.now() < until && !enough()) await sleep(100);
    flowing = false;
    await Promise.all([...readers, writer]);

    if (process.env.DEBUG_INSTANCES) process.stdout.write(`${JSON.stringify({ stats: cluster.proxy.stats, reads: reads.length, afterKill: reads.filter((r) => r.afterKill).length, created: created.map((c) => c.status) })}\n`);
    expect(victim.alive).toBe(false);
    expect(cluster.instances.filter((i) => i.alive).map((i) => i.label)).toEqual(['i1', 'i3']);
    // The kill happened while requests flowed: the proxy met the dead instance.
    expect(cluster.proxy.stats.refused + cluster.proxy.stats.cutAfterSend).toBeGreaterThan(0);
    // Every read succeeded, signed in, the ones in flight at the kill included (a GET is retried on the next instance).
    expect(reads.filter((r) => r.status !== 200 || !r.signedIn)).toEqual([]);
    const afterKill = reads.filter((r) => r.afterKill);
    expect(afterKill.length).toBeGreaterThanOrEqual(10);
    expect(new Set(afterKill.map((r) => r.servedBy))).not.toContain('i2');
    // The session still works after the kill, on each survivor.
    for (const path of ['/servicios', '/usuarios']) {
      const page = await browser.request(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain(DEMO.admin.name);
    }

    // Every user the client was told was created exists, once; a POST cut by the kill (502, not retried) exists at most once.
    const counts = new Map<string, number>();
    for (const { email } of created) {
      const row = await cluster.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).where('email', '=', email).executeTakeFirstOrThrow();
      counts.set(email, Number(row.n));
    }
    const told = created.filter((c) => c.status === 303);
    expect(told.filter((c) => c.afterKill).length).toBeGreaterThanOrEqual(2);
    for (const c of told) expect(counts.get(c.email), c.email).toBe(1);
    for (const c of created) expect([0, 1], c.email).toContain(counts.get(c.email));
    expect(created.filter((c) => c.status !== 303 && c.status !== 502)).toEqual([]);

    // Each user that exists gets its credentials mail: wait until the outbox has nothing left to send (a mail the
    // dead instance had claimed is taken over when its 6 s lease runs out), then look at what arrived.
    const existing = created.filter((c) => counts.get(c.email) === 1).map((c) => c.email);
    const deadline = Date.now() + 40_000;
    for (;;) {
      const pending = await cluster.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).where('dead_at', 'is', null).execute();
      if (pending.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending.length} mails still unsent`);
      await sleep(200);
    }
    // Delivery is at least once by design (worker.ts): a sender killed after the receiver had the DATA but before
    // it wrote "sent" leaves the claim to expire, and a survivor sends it again with the same Message-ID. So: one
    // outbox row and one Message-ID per user, every copy carrying it; a second copy only for the one mail i2 can
    // have been sending when it died (a worker sends one at a time), and then its first copy came before i2 was gone.
    const twice: Array<{ email: string; at: number[] }> = [];
    for (const email of existing) {
      const rows = await cluster.db.selectFrom('outbox').select(['message_id', 'sent_at', 'subject']).where('to_address', '=', email).execute();
      expect(rows, email).toHaveLength(1);
      expect(rows[0]!.sent_at, email).not.toBeNull();
      expect(rows[0]!.subject, email).toMatch(/credenciales/i);
      const copies = cluster.smtp.received.filter((r) => r.to.includes(email));
      expect(copies.length, email).toBeGreaterThanOrEqual(1);
      expect(new Set(copies.map((c) => c.messageId)), email).toEqual(new Set([rows[0]!.message_id]));
      if (copies.length > 1) twice.push({ email, at: copies.map((c) => c.at) });
    }
    expect(twice.length, JSON.stringify(twice)).toBeLessThanOrEqual(1);
    for (const { at } of twice) {
      expect(at).toHaveLength(2);
      expect(at[0]!).toBeLessThanOrEqual(goneAt);
    }
  });
});
