import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The database as Kysely sees it. Timestamps are ISO-8601 UTC strings and
 * calendar days "YYYY-MM-DD" on both dialects, so they compare and sort the
 * same everywhere; booleans are 0/1 integers for the same reason.
 */

export interface CustomersTable {
  id: string;
  rut: string;
  name: string;
  disabled_at: string | null;
  created_at: string;
}

export type UserRole = 'admin' | 'technical';

export interface UsersTable {
  id: string;
  customer_id: string;
  email: string;
  name: string;
  role: UserRole;
  password_hash: string;
  must_change_password: number;
  temp_password_expires_at: string | null;
  disabled_at: string | null;
  last_sign_in_at: string | null;
  password_changed_at: string | null;
  created_by: string | null;
  created_at: string;
}

export interface SystemsTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  position: number;
}

export interface ContractsTable {
  id: string;
  customer_id: string;
  system_id: string;
  plan: string;
  starts_on: string;
  ends_on: string | null;
  created_at: string;
}

export interface HelpCategoriesTable {
  id: string;
  system_id: string;
  slug: string;
  name: string;
  position: number;
  description: Generated<string>;
}

export interface HelpArticlesTable {
  id: string;
  system_id: string;
  category_id: string;
  slug: string;
  title: string;
  summary: string;
  body_md: string;
  body_html: string;
  tags: string;
  position: number;
  published: number;
  updated_at: string;
  /** The body as plain text, for search snippets. */
  body_text: string;
  /** JSON: the h2/h3 headings, [{ level, id, text }], for the table of contents. */
  toc: string;
  /** What the article was imported from; an import with the same hash changes nothing. */
  source_hash: string;
  /** The published version's number in help_article_versions (0: none recorded yet). */
  version_no: Generated<number>;
  /** The last revision a (published or discarded) draft of it reached: the next draft goes on from there. */
  last_draft_revision: Generated<number>;
}

export interface HelpArticleTagsTable {
  article_id: string;
  /** Folded (lower case, no accents): the key related articles are found by. */
  tag: string;
}

export interface HelpAttachmentsTable {
  id: string;
  article_id: string;
  /** As the article links it, relative to the article's file: "imagenes/cierre.png". */
  path: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Buffer;
  updated_at: string;
  /** 1: uploaded for a draft, served to nobody but the console until the draft is published. */
  draft: Generated<number>;
}

export interface HelpVotesTable {
  user_id: string;
  article_id: string;
  helpful: number;
  comment: string | null;
  created_at: string;
  updated_at: string;
}

export interface HelpReadsTable {
  article_id: string;
  /** Day in Santiago, YYYY-MM-DD. */
  day: string;
  count: number;
}

export interface HelpSearchMissesTable {
  /** Folded query text. */
  query: string;
  /** '' when the search was over every system. */
  system_slug: string;
  count: number;
  first_at: string;
  last_at: string;
}

/** How many new search-miss rows a user's searches added on a day: a person's misses cannot grow the table without bound. */
export interface HelpSearchMissAllowanceTable {
  user_id: string;
  /** Day in Santiago, YYYY-MM-DD. */
  day: string;
  added: number;
}

export interface HelpSynonymsTable {
  group_no: number;
  word: string;
}

export interface HelpSearchWordsTable {
  word: string;
  stem: string;
}

export interface HelpIndexStateTable {
  id: number;
  version: number;
  /** The search index's format (search-index-format.ts): boot re-indexes when it is older than the code's. */
  format: Generated<number>;
}

/** A stem → how many indexed articles have it; '#docs' and '#len:<field>' hold the totals BM25F needs. */
export interface HelpSearchTermsTable {
  term: string;
  count: number;
}

export interface UserHelpScopeTable {
  user_id: string;
  system_id: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface OutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  kind: string;
  created_at: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  /** Placeholder → value (JSON) of the mail's secret parts; NULL once sent or dead, or for mail without secrets. */
  secrets: Generated<string | null>;
  /** `<id@host>`, fixed on the first claim and kept across retries: receivers dedupe on it. */
  message_id: Generated<string | null>;
  /** Which claim holds the lease (a token per claim): renewals and releases touch only their own. */
  locked_by: Generated<string | null>;
  /** Given up on (a 5xx answer to the message, or it cannot be built): never tried again. */
  dead_at: Generated<string | null>;
  /** 'permanent' | 'deferred' | 'connection' (see mail/send-failure.ts), NULL after success. */
  last_error_kind: Generated<string | null>;
  /** Extra headers (JSON, name → value; a value may hold a secret's placeholder), or NULL. */
  headers: Generated<string | null>;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  action: string;
  actor_user_id: string | null;
  actor_label: string;
  customer_id: string | null;
  target_user_id: string | null;
  target_label: string | null;
  ip: string | null;
  detail: string | null;
  /** Which kind of principal acted (auth/principal.ts): 'user' | 'staff' | 'cli' | 'api' | 'anonymous'. */
  actor_kind: Generated<string>;
  actor_staff_id: Generated<string | null>;
  /** The API token that acted, when actor_kind is 'api'. */
  actor_api_token_id: Generated<string | null>;
}

export interface ThrottlesTable {
  key: string;
  /** The account (canonical RUT:e-mail) a key counts for, so a reset can clear them all; null for address keys. */
  account: string | null;
  /** Attempts reserved in the current window (failures, and attempts still being verified). */
  failures: number;
  blocked_until: string | null;
  updated_at: string;
  /** Attempts refused since the last audit row about this key (one row a minute at most). */
  refused: Generated<number>;
  audited_at: string | null;
}

export interface KnownDevicesTable {
  /** SHA-256 of the random device cookie set at a successful sign-in. */
  device_hash: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
}

export type StaffRole = 'admin' | 'soporte' | 'editor' | 'lectura';

export interface StaffTable {
  id: string;
  /** Lower-cased; unique: a staff member is identified by the e-mail alone (no RUT). */
  email: string;
  name: string;
  role: StaffRole;
  /** NULL until the invitation is accepted. */
  password_hash: string | null;
  password_changed_at: string | null;
  /** Base32 TOTP secret; set when enrolment starts, trusted once totp_enrolled_at is set. */
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** The last TOTP time step accepted: a code for that step or an earlier one is a replay. */
  totp_last_step: number | null;
  disabled_at: string | null;
  last_sign_in_at: string | null;
  /** Who created the row, as principalRef() writes it: 'staff:<id>', 'cli:operador (<os user>)'; 'demo' for the demo data. */
  created_by: string;
  created_at: string;
}

export interface StaffInvitationsTable {
  token_hash: string;
  staff_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface StaffRecoveryCodesTable {
  staff_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface StaffSessionsTable {
  id: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** When the second factor was last given; NULL while it is still owed after the password. */
  second_factor_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** A browser a staff member signed in from before (the staff_device cookie, stored as its SHA-256). */
export interface StaffKnownDevicesTable {
  device_hash: string;
  staff_id: string;
  created_at: string;
  last_used_at: string;
}

export type HelpDraftState = 'draft' | 'review';

/** The working copy of an article in the console: one per article, never read by a reader's page. */
export interface HelpArticleDraftsTable {
  article_id: string;
  category_id: string;
  slug: string;
  title: string;
  summary: string;
  tags: string;
  position: number;
  body_md: string;
  state: HelpDraftState;
  /** Optimistic lock: a save names the revision it started from. */
  revision: number;
  /** The published version this draft started from (0: a new article). */
  base_version: number;
  author_staff_id: string | null;
  author_label: string;
  updated_by_label: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
}

/** 'initial': the first import into an empty help (the baseline, not news). */
export type HelpVersionSource = 'console' | 'schedule' | 'import' | 'initial' | 'restore';

/** Every published version of an article, as it was published. */
export interface HelpArticleVersionsTable {
  id: string;
  article_id: string;
  version_no: number;
  category_id: string;
  slug: string;
  title: string;
  summary: string;
  tags: string;
  position: number;
  body_md: string;
  change_note: string;
  source: HelpVersionSource;
  author_label: string;
  published_by_staff_id: string | null;
  published_by_label: string;
  published_at: string;
}

export interface HelpSlugRedirectsTable {
  system_id: string;
  old_slug: string;
  article_id: string;
  created_at: string;
}

export type HelpScheduleAction = 'publish' | 'unpublish';
export type HelpScheduleOutcome = 'done' | 'failed' | 'cancelled';

export interface HelpSchedulesTable {
  id: string;
  article_id: string;
  action: HelpScheduleAction;
  /** UTC ISO instant. */
  run_at: string;
  draft_revision: number | null;
  change_note: Generated<string>;
  created_by_staff_id: string | null;
  created_by_label: string;
  created_at: string;
  done_at: string | null;
  outcome: HelpScheduleOutcome | null;
  outcome_detail: string | null;
}

export interface HelpReaderVisitsTable {
  user_id: string;
  previous_at: string | null;
  last_at: string;
}

export interface HelpDigestSubscriptionsTable {
  user_id: string;
  unsubscribe_hash: string;
  subscribed_at: string;
  last_sent_at: string | null;
}

/** Every unsubscribe token of a subscription's mails, as SHA-256 (help/digest/): older mails' links keep working. */
export interface HelpDigestUnsubscribeLinksTable {
  token_hash: string;
  user_id: string;
  created_at: string;
}

export interface HelpSearchLogTable {
  id: string;
  at: string;
  day: string;
  user_id: string | null;
  query: string;
  system_slug: string;
  results: number;
  opened_at: string | null;
  opened_article_id: string | null;
}

/** How many search-log rows a user's searches took on a day (help/search/log-search.ts). */
export interface HelpSearchLogAllowanceTable {
  user_id: string;
  /** Day in Santiago, YYYY-MM-DD. */
  day: string;
  taken: number;
}

export interface JobRunsTable {
  key: string;
  claimed_at: string;
  claimed_by: string;
  finished_at: string | null;
}

/** A scheduled job held by one instance while it runs (jobs/job-lease.ts). */
export interface JobLeasesTable {
  name: string;
  /** host:pid of the holder, for the operator. */
  holder: string;
  /** Fresh for every acquisition: only its holder renews or releases the lease. */
  token: string;
  acquired_at: string;
  expires_at: string;
}

/** A provisioning API client's bearer token (api/tokens): only its SHA-256 is kept. */
export interface ApiTokensTable {
  id: string;
  name: string;
  /** "mpt_" and 8 hex characters: the start of the token itself, shown to tell tokens apart. */
  prefix: string;
  token_hash: string;
  /** Space-separated (api/api-scopes.ts). */
  scopes: string;
  created_at: string;
  /** principalRef of who created it. */
  created_by: string;
  created_by_label: string;
  expires_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  revoked_by_label: string | null;
}

/** A POST's answer kept for its Idempotency-Key (24 h), per token. */
export interface ApiIdempotencyKeysTable {
  token_id: string;
  key: string;
  /** "POST /api/v1/customers": the same key on another operation is a mistake. */
  operation: string;
  /** SHA-256 of the request body: the same key with another body is a 422. */
  body_hash: string;
  /** NULL while the first request with this key is still running. */
  status: number | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  /** Space-separated event types (webhooks/webhook-events.ts). */
  events: string;
  /** "whsec_" and base64: the Standard Webhooks signing secret. */
  secret: string;
  created_at: string;
  created_by_label: string;
  updated_at: string;
  disabled_at: string | null;
  /** Up by one with every change: an edit from a form read before another change is refused. */
  revision: Generated<number>;
}

export interface WebhookEventsTable {
  /** "msg_…": the webhook-id header, the same on every try and every endpoint. */
  id: string;
  type: string;
  /** The JSON body sent: { type, timestamp, data }. */
  payload: string;
  created_at: string;
  /** For dated events ("contract.started:<id>"): at most one event per key. */
  dedupe_key: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  created_at: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  locked_by: string | null;
  delivered_at: string | null;
  /** Given up on after the last retry (a dead letter): "send again" in the console starts it over. */
  dead_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  at: string;
  /** The receiver's HTTP status, or NULL when there was no answer (error says why). */
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface ImportRunsTable {
  id: string;
  staff_id: string;
  file_name: string;
  /** 'invalid' (problems found, nothing written) | 'running' | 'done' | 'failed'. */
  status: string;
  total_rows: number;
  done_rows: Generated<number>;
  /** JSON [{ line, column, message }] (imports/parse-import-csv.ts ImportProblem). */
  problems: string | null;
  /** JSON: what was created. */
  summary: string | null;
  created_at: string;
  finished_at: string | null;
  /** Administrators' credentials prepared so far, of to_prepare (the slow part, before the write). */
  prepared: Generated<number>;
  to_prepare: Generated<number>;
  /** When the background work last moved: a running run quiet for long was interrupted. */
  progress_at: Generated<string | null>;
}

export interface Database {
  customers: CustomersTable;
  users: UsersTable;
  systems: SystemsTable;
  contracts: ContractsTable;
  help_categories: HelpCategoriesTable;
  help_articles: HelpArticlesTable;
  help_article_tags: HelpArticleTagsTable;
  help_attachments: HelpAttachmentsTable;
  help_votes: HelpVotesTable;
  help_reads: HelpReadsTable;
  help_search_misses: HelpSearchMissesTable;
  help_search_miss_allowance: HelpSearchMissAllowanceTable;
  help_synonyms: HelpSynonymsTable;
  help_search_words: HelpSearchWordsTable;
  help_index_state: HelpIndexStateTable;
  help_search_terms: HelpSearchTermsTable;
  user_help_scope: UserHelpScopeTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
  throttles: ThrottlesTable;
  known_devices: KnownDevicesTable;
  staff: StaffTable;
  staff_invitations: StaffInvitationsTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_sessions: StaffSessionsTable;
  staff_known_devices: StaffKnownDevicesTable;
  import_runs: ImportRunsTable;
  help_article_drafts: HelpArticleDraftsTable;
  help_article_versions: HelpArticleVersionsTable;
  help_slug_redirects: HelpSlugRedirectsTable;
  help_schedules: HelpSchedulesTable;
  help_reader_visits: HelpReaderVisitsTable;
  help_digest_subscriptions: HelpDigestSubscriptionsTable;
  help_digest_unsubscribe_links: HelpDigestUnsubscribeLinksTable;
  help_search_log: HelpSearchLogTable;
  help_search_log_allowance: HelpSearchLogAllowanceTable;
  job_runs: JobRunsTable;
  job_leases: JobLeasesTable;
  api_tokens: ApiTokensTable;
  api_idempotency_keys: ApiIdempotencyKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}

export type User = Selectable<UsersTable>;
export type Customer = Selectable<CustomersTable>;
export type NewOutboxMessage = Insertable<OutboxTable>;
export type UserUpdate = Updateable<UsersTable>;
