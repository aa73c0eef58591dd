import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import type { ScheduledJob } from '../../jobs/job-scheduler.ts';
import { sendHelpDigests } from './send-help-digests.ts';

/** How often an instance looks whether this week's digest is due or unfinished: cheap (one lookup once done). */
export const DIGEST_CHECK_EVERY_MS = 5 * 60_000;

export function helpDigestJob(deps: { db: Kysely<Database>; dialect: Dialect; config: Config; log: Logger; mailQueued: () => void }): ScheduledJob {
  return {
    name: 'help-digest',
    everyMs: DIGEST_CHECK_EVERY_MS,
    // One instance at a time; the week's job_runs key and each subscription's claim still keep a paused holder from mailing twice.
    once: true,
    async run(now, signal) {
      // signal: the lease lost or the server stopping; the batch under way commits, no next one starts (the next holder goes on).
      const out = await sendHelpDigests(deps.db, { dialect: deps.dialect, brand: deps.config.brand, publicUrl: deps.config.publicUrl, signal }, now);
      if (out.skipped) return;
      if (out.mailed > 0) deps.mailQueued();
      deps.log.info({ job: 'help-digest', mailed: out.mailed, taken: out.taken, finished: out.finished }, 'help digest batch written');
    },
  };
}
