import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Tells whether a write may change what a cached page shows, so the page
 * cache can drop everything when one happens. Safe by default: any write is
 * "page data" unless it is one of the few known not to be, the ones a storm
 * of sign-ins makes (audit rows, throttles, new sessions, the last-seen and
 * last-sign-in stamps, queued mail). Deleting a session IS page data: that is
 * how sign-out and revocation reach the cache.
 */
// help_reads: view counts (the "most read" list may lag until the next change);
// help_search_misses: what searches found nothing, for the vendor only (with
// its per-user allowance, and the pruning that keeps it bounded);
// help_search_log: every search and the result opened, for the vendor only (same).
// help_reader_visits: when a reader last opened the help home, shown only by that
// page, which the cache never keeps (web/page-cache.ts); a visit must not empty
// everyone's cache. help_digest_*: the weekly digest's subscriptions and links,
// shown on /cuenta/novedades only, never cached; the job writes thousands weekly.
// help_article_drafts: the console's working copies, which no reader page reads
// (a publish also writes help_articles, and that empties the cache).
// job_leases: which instance runs a scheduled job, renewed while it runs; no page shows it.
export const QUIET_INSERTS: ReadonlySet<string> = new Set(['audit_events', 'outbox', 'throttles', 'known_devices', 'sessions', 'password_resets', 'help_reads', 'help_search_misses', 'help_search_miss_allowance', 'help_search_log', 'help_search_log_allowance', 'help_reader_visits', 'help_digest_subscriptions', 'help_digest_unsubscribe_links', 'help_article_drafts', 'job_leases']);
export const QUIET_DELETES: ReadonlySet<string> = new Set(['throttles', 'known_devices', 'password_resets', 'outbox', 'help_search_misses', 'help_search_miss_allowance', 'help_search_log', 'help_search_log_allowance', 'help_digest_subscriptions', 'help_digest_unsubscribe_links', 'help_article_drafts', 'job_leases']);
// Exported for change-notifications.test.ts: PostgreSQL's triggers (migration 0012) must say the same.
export const QUIET_UPDATE_COLUMNS: Readonly<Record<string, ReadonlySet<string> | 'all'>> = {
  outbox: 'all',
  throttles: 'all',
  known_devices: 'all',
  password_resets: 'all',
  help_reads: 'all',
  help_search_misses: 'all',
  help_search_miss_allowance: 'all',
  help_search_log: 'all',
  help_search_log_allowance: 'all',
  help_reader_visits: 'all',
  help_digest_subscriptions: 'all',
  help_article_drafts: 'all',
  job_leases: 'all',
  sessions: new Set(['last_seen_at']),
  users: new Set(['last_sign_in_at']),
};

function tableName(node: OperationNode | undefined): string | undefined {
  const n = node as { kind?: string; table?: { identifier?: { name?: string } }; node?: OperationNode } | undefined;
  if (n?.kind === 'TableNode') return n.table?.identifier?.name;
  if (n?.kind === 'AliasNode') return tableName(n.node);
  return undefined;
}

/** The table a write names, for the change signal (undefined: a raw statement or a schema change). */
export function writtenTable(node: RootOperationNode): string | undefined {
  switch (node.kind) {
    case 'InsertQueryNode':
      return tableName(node.into);
    case 'DeleteQueryNode':
      return tableName(node.from.froms[0]);
    case 'UpdateQueryNode':
      return tableName(node.table);
    case 'RawNode':
      return /^\s*(?:insert\s+into|update|delete\s+from)\s+"?(\w+)/i.exec(node.sqlFragments[0] ?? '')?.[1];
    default:
      return undefined;
  }
}

export function touchesPageData(node: RootOperationNode): boolean {
  switch (node.kind) {
    case 'SelectQueryNode':
      return false;
    case 'InsertQueryNode':
      return !QUIET_INSERTS.has(tableName(node.into) ?? '');
    case 'DeleteQueryNode':
      return !QUIET_DELETES.has(tableName(node.from.froms[0]) ?? '');
    case 'UpdateQueryNode': {
      const quiet = QUIET_UPDATE_COLUMNS[tableName(node.table) ?? ''];
      if (!quiet) return true;
      if (quiet === 'all') return false;
      return (node.updates ?? []).some((u) => !quiet.has((u.column as { column?: { name?: string } }).column?.name ?? ''));
    }
    case 'RawNode': {
      const text = node.sqlFragments[0] ?? '';
      if (/^\s*(select|with)\b/i.test(text) && !/\b(insert|update|delete)\b/i.test(node.sqlFragments.join(' '))) return false;
      const into = /^\s*insert\s+into\s+"?(\w+)/i.exec(text)?.[1];
      return !(into && QUIET_INSERTS.has(into));
    }
    default:
      return true; // schema changes, merges: whatever it is, assume it matters
  }
}

/**
 * A Kysely plugin calling `onWrite` before a query that touches page data
 * runs and again after it ran: a page rendered from reads that straddle the
 * write sees the count move and is not cached.
 */
export function pageDataWrites(onWrite: (table: string | undefined) => void): KyselyPlugin {
  const writing = new WeakMap<object, string | undefined>();
  return {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      if (touchesPageData(node)) {
        const table = writtenTable(node);
        writing.set(queryId, table);
        onWrite(table);
      }
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (writing.has(queryId)) onWrite(writing.get(queryId));
      return result;
    },
  };
}
