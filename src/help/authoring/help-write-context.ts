import type { Dialect } from '../../db/create-db.ts';

/**
 * What a help-writing operation needs besides its transaction and principal:
 * the dialect (the search index is written per dialect), the moment, and the
 * publishing rule (decision 0016).
 */
export interface HelpWriteContext {
  dialect: Dialect;
  now: Date;
  /** HELP_SELF_PUBLISH: the author of a draft may publish it. */
  selfPublish: boolean;
}
