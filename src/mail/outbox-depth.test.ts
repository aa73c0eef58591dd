import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSecretMail } from '../../tests/outbox-states.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { OUTBOX_DEPTH, outboxDepth } from './outbox-depth.ts';

// /metrics asks this at every scrape; on SQLite it runs on the event loop, so it must not read the mails themselves.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
}, 60_000);
afterAll(() => rt.close());

describe('outboxDepth', () => {
  it('is read from the outbox_unsent index alone, never the rows and their bodies', async () => {
    if (rt.deps.dialect === 'sqlite') {
      const plan = (await sql<{ detail: string }>`explain query plan ${OUTBOX_DEPTH}`.execute(rt.deps.db)).rows.map((r) => r.detail);
      expect(plan).toEqual(['SEARCH outbox USING COVERING INDEX outbox_unsent (sent_at=?)']);
    } else {
      // PostgreSQL plans by its statistics (a small table is scanned whole); the index is there for an index-only scan once it pays.
      const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = current_schema() and indexname = 'outbox_unsent'`.execute(rt.deps.db);
      expect(idx.rows[0]?.indexdef).toMatch(/\(sent_at, dead_at, last_error_kind, created_at\)/);
      await sql`set enable_seqscan = off`.execute(rt.deps.db);
      try {
        const plan = (await sql<{ 'QUERY PLAN': string }>`explain ${OUTBOX_DEPTH}`.execute(rt.deps.db)).rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).toMatch(/Index Only Scan using outbox_unsent/);
      } finally {
        await sql`reset enable_seqscan`.execute(rt.deps.db);
      }
    }
  });

  it('matches what the statement it stands for says (the metrics read it)', async () => {
    await rt.deps.db.deleteFrom('outbox').execute();
    await queueSecretMail(rt, 'uno@cliente.cl', 'pending');
    await queueSecretMail(rt, 'dos@cliente.cl', 'dead');
    await queueSecretMail(rt, 'tres@cliente.cl', 'sent');
    rt.clock.advance(60_000);
    const d = await outboxDepth(rt.deps.db, rt.clock.now());
    expect(d).toEqual({ pending: 1, oldestPendingAgeSeconds: 60, deadLetters: 1 });
  });
});
