import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import { createDb } from '../db/create-db.ts';
import { SharedCaches } from '../cache/shared-cache.ts';
import { NoChangeSignal } from '../db/change-signal.ts';
import { parseExposition, valueOf } from '../../tests/metrics-scrape.ts';
import { PortalMetrics } from './portal-metrics.ts';

describe('the outbox gauges when the database does not answer', () => {
  it('say NaN (not an empty outbox), log why, and the rest of the scrape still comes', async () => {
    // A real database without the portal's tables: the outbox query fails as it would on a broken one.
    const { db, close } = createDb(':memory:');
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const caches = new SharedCaches(new NoChangeSignal());
    try {
      const metrics = new PortalMetrics({ db, clock: systemClock, log, caches, processMetrics: false });
      const samples = parseExposition(await metrics.exposition());
      for (const name of ['portal_outbox_pending', 'portal_outbox_oldest_pending_age_seconds', 'portal_outbox_dead_letters']) {
        expect(Number.isNaN(valueOf(samples, name)), name).toBe(true);
      }
      expect(samples.some((s) => s.name === 'portal_sign_ins_total')).toBe(true);
      // One query for the three gauges, so one warning.
      expect(warnings.filter((w) => w.includes('reading the outbox failed'))).toHaveLength(1);
    } finally {
      caches.close();
      await close();
    }
  });
});
