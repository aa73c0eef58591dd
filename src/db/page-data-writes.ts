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
// api_rate_limits: the API's per-token call counters (rate-limiter-flexible writes them with its own SQL, on PostgreSQL); no page shows them.
// api_idempotency_keys, webhook_*: the API's kept answers and the webhooks' endpoints, events and
// deliveries, shown by the console only (never cached), written on every API POST and every delivery try.
// api_tokens: shown by the console only (never cached); looked up on every API call, never cached, so its last-use stamp must not empty the caches.
export const QUIET_INSERTS: ReadonlySet<string> = new Set(['audit_events', 'outbox', 'throttles', 'known_devices', 'sessions', 'password_resets', 'help_reads', 'help_search_misses', 'help_search_miss_allowance', 'help_search_log', 'help_search_log_allowance', 'help_reader_visits', 'help_digest_subscriptions', 'help_digest_unsubscribe_links', 'help_article_drafts', 'job_leases', 'api_rate_limits', 'api_tokens', 'api_idempotency_keys', 'webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_delivery_attempts']);
export const QUIET_DELETES: ReadonlySet<string> = new Set(['throttles', 'known_devices', 'password_resets', 'outbox', 'help_search_misses', 'help_search_miss_allowance', 'help_search_log', 'help_search_log_allowance', 'help_digest_subscriptions', 'help_digest_unsubscribe_links', 'help_article_drafts', 'job_leases', 'api_rate_limits', 'api_tokens', 'api_idempotency_keys', 'webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_delivery_attempts']);
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
  api_rate_limits: 'all',
  api_tokens: 'all',
  api_idempotency_keys: 'all',
  webhook_endpoints: 'all',
  webhook_events: 'all',
  webhook_deliveries: 'all',
  webhook_delivery_attempts: 'all',
  sessions: new Set(['last_seen_at']),
  users: new Set(['last_sign_in_at']),
};

function tableName(node: OperationNode | undefined): string | undefined {
  const n = node as { kind?: string; table?: { identifier?: { name?: string } }; node?: OperationNode } | undefined;
  if (n?.kind === 'TableNode') return n.table?.identifier?.name;
  if (n?.kind === 'AliasNode') return tableName(n.node);
  return undefined;
}

/** A raw statement's text, nested sql`` fragments included; a parameter is a placeholder (a value cannot pass for a keyword). */
function rawText(node: OperationNode): string {
  const n = node as { kind?: string; sqlFragments?: readonly string[]; parameters?: readonly OperationNode[] };
  if (n.kind !== 'RawNode') return ' ? ';
  const params = n.parameters ?? [];
  return (n.sqlFragments ?? []).map((f, i) => f + (i < params.length ? rawText(params[i]!) : '')).join('');
}

/** Query builders passed into a raw statement (sql`with x as (${db.insertInto(…)}) …`). */
function nestedQueries(node: OperationNode): RootOperationNode[] {
  const n = node as { kind?: string; parameters?: readonly OperationNode[] };
  if (n.kind !== 'RawNode') return /QueryNode$/.test(n.kind ?? '') ? [node as RootOperationNode] : [];
  return (n.parameters ?? []).flatMap(nestedQueries);
}

// "on conflict … do update set" is the insert's own table; "for update" locks, writes nothing.
const RAW_WRITE = /\b(?:(insert)\s+into|(delete)\s+from|(?<!\b(?:do|for)\s+)(update))\s+"?(\w+)/gi;

/** A statement that writes no data by itself: a read, a setting, transaction control, or nothing (after the last ";"). */
const READ_OR_CONTROL = /^\s*(?:(?:select|with|set|reset|show|begin|start\s+transaction|commit|end|rollback|savepoint|release)\b|$)/i;

/** Every table a raw statement writes, and how (a CTE may write several). */
function rawWrites(node: OperationNode): Array<{ kind: 'insert' | 'delete' | 'update'; table: string }> {
  return [...rawText(node).matchAll(RAW_WRITE)].map((m) => ({ kind: m[1] ? 'insert' : m[2] ? 'delete' : 'update', table: m[4]! }) as const);
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
    case 'RawNode': {
      // One table when the statement writes one; several (a CTE that writes): undefined, "all".
      const tables = new Set(rawWrites(node).map((w) => w.table));
      return tables.size === 1 ? [...tables][0] : undefined;
    }
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
      if (nestedQueries(node).some((q) => q.kind !== 'SelectQueryNode' && touchesPageData(q))) return true;
      const text = rawText(node);
      const writes = rawWrites(node);
      // Settings and transaction control (PostgreSQL's search: "begin; select set_config(…)", then "commit"), reads: no
      // data written, statement by statement (several in one text go by pg's simple protocol). Counting them emptied every
      // shared cache and the page cache of the instance on every search ("all": no table named).
      if (writes.length === 0) return !text.split(';').every((statement) => READ_OR_CONTROL.test(statement));
      // Quiet only if every table it writes is (the search log's CTE takes the allowance and inserts the row: both quiet).
      return !writes.every((w) => (w.kind === 'insert' ? QUIET_INSERTS.has(w.table) : w.kind === 'delete' ? QUIET_DELETES.has(w.table) : QUIET_UPDATE_COLUMNS[w.table] === 'all'));
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
