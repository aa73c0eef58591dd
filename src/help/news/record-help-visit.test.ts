import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerWithAdmin } from '../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { recordHelpVisit, VISIT_GAP_MS } from './record-help-visit.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const at = (minutes: number) => new Date(Date.parse('2026-03-02T15:00:00Z') + minutes * 60_000);

describe('recordHelpVisit', () => {
  it('has no previous visit the first time, keeps the visit through reloads, and starts a new one after 30 quiet minutes', async () => {
    const { admin } = await createCustomerWithAdmin(rt.deps);
    expect(await recordHelpVisit(rt.deps.db, admin.id, at(0))).toBeNull();
    // Reloads and returns within the gap: still the first visit.
    expect(await recordHelpVisit(rt.deps.db, admin.id, at(1))).toBeNull();
    expect(await recordHelpVisit(rt.deps.db, admin.id, at(29))).toBeNull();
    // 30 minutes after the last view: a new visit, whose "previous" is that last view.
    expect(await recordHelpVisit(rt.deps.db, admin.id, new Date(at(29).getTime() + VISIT_GAP_MS))).toBe(at(29).toISOString());
    expect(await recordHelpVisit(rt.deps.db, admin.id, at(70))).toBe(at(29).toISOString());
    expect(await recordHelpVisit(rt.deps.db, admin.id, at(200))).toBe(at(70).toISOString());
  });

  it('answers two views at once alike, and a late request never moves the visit back', async () => {
    const { admin } = await createCustomerWithAdmin(rt.deps);
    await recordHelpVisit(rt.deps.db, admin.id, at(0));
    const both = await Promise.all([recordHelpVisit(rt.deps.db, admin.id, at(60)), recordHelpVisit(rt.deps.db, admin.id, at(60))]);
    expect(both).toEqual([at(0).toISOString(), at(0).toISOString()]);
    // A request stamped earlier (a slow one) keeps the latest view as the visit's end.
    expect(await recordHelpVisit(rt.deps.db, admin.id, at(59))).toBe(at(0).toISOString());
    const row = await rt.deps.db.selectFrom('help_reader_visits').selectAll().where('user_id', '=', admin.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ user_id: admin.id, previous_at: at(0).toISOString(), last_at: at(60).toISOString() });
  });
});
