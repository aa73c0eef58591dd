import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type StaffPrincipal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { authorizeStaff } from '../../policies/staff-policy.ts';
import type { HelpWriteContext } from '../authoring/help-write-context.ts';
import { loadSynonyms } from './load-synonyms.ts';
import { bumpIndexVersion, replaceSynonyms } from './search-index.ts';
import { groupKey, parseSynonymList, problemText, type SynonymProblem } from './synonym-list.ts';

export const SaveSynonymsInput = z.object({
  text: z.string(),
  /** The hash of the list the editor started from (loadSynonyms().hash). */
  baseHash: z.string().max(64),
});

/** The edited list has problems: each names its line; nothing was saved. */
export class SynonymListInvalid extends ValidationError {
  constructor(readonly problems: SynonymProblem[]) {
    super({ text: problems.map(problemText).join(' ') }, problems.length === 1 ? 'La lista de sinónimos tiene un problema:' : `La lista de sinónimos tiene ${problems.length} problemas:`);
  }
}

export const synonymsChangedMeanwhile = () =>
  new AppError(409, 'synonyms-changed', 'Otra persona guardó los sinónimos mientras usted los editaba. Su texto sigue abajo: compárelo con la lista guardada y vuelva a guardar.');

/** Groups of the summary kept in the audit row: enough to see what changed, bounded whatever the list. */
const SUMMARY_GROUPS = 50;

/**
 * Replace the synonym list with the edited text, if it is valid and the list
 * is still the one the editor started from. One transaction: the groups, the
 * index version (every process reloads its vocabulary at its next search)
 * and the audit row with the groups added and removed.
 */
export async function saveSynonyms(trx: Transaction<Database>, ctx: HelpWriteContext, by: StaffPrincipal, input: z.infer<typeof SaveSynonymsInput>): Promise<{ changed: boolean; added: number; removed: number }> {
  authorizeStaff(by.role, 'help:write');
  const { text, baseHash } = SaveSynonymsInput.parse(input);
  const parsed = parseSynonymList(text);
  if (parsed.problems.length > 0) throw new SynonymListInvalid(parsed.problems);
  // The list's writers are this and importHelpTree: on PostgreSQL both take the import's lock first, so two saves, or a save and an
  // import, run one after the other (a row lock of help_index_state here deadlocked with an import, which bumps that row last).
  // SQLite runs one write transaction at a time.
  if (ctx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('help-import'))`.execute(trx);
  const current = await loadSynonyms(trx);
  const before = new Set(current.groups.map(groupKey));
  const after = new Set(parsed.groups.map(groupKey));
  const added = [...after].filter((g) => !before.has(g));
  const removed = [...before].filter((g) => !after.has(g));
  // Checked before the starting point: the same form sent twice finds its own list saved, which is no one else's change to lose.
  if (added.length === 0 && removed.length === 0 && current.groups.length === parsed.groups.length) return { changed: false, added: 0, removed: 0 };
  if (current.hash !== baseHash) throw synonymsChangedMeanwhile();
  await replaceSynonyms(trx, parsed.groups);
  await bumpIndexVersion(trx);
  await recordAuditEvent(trx, {
    action: 'help.synonyms-changed',
    at: ctx.now,
    ...auditActor(by),
    customerId: null,
    detail: { groups: parsed.groups.length, added: added.slice(0, SUMMARY_GROUPS), removed: removed.slice(0, SUMMARY_GROUPS), addedCount: added.length, removedCount: removed.length },
  });
  return { changed: true, added: added.length, removed: removed.length };
}
