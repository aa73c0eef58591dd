import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { signedIn } from '../../tests/help-fixtures.ts';
import { METRICS_TOKEN, scrape, type Sample } from '../../tests/metrics-scrape.ts';
import { createTestStaff } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';

// Every alert in docs/operations/portal-alerts.yml reads names and label values the portal really exports:
// a rule on a misspelt metric or a label value nothing ever takes is valid PromQL (promtool passes it) and never fires.

const RULES = new URL('../../docs/operations/portal-alerts.yml', import.meta.url);
/** Prometheus's own series and labels, not the portal's. */
const FROM_PROMETHEUS = new Set(['up']);
const ADDED_BY_PROMETHEUS = new Set(['instance', 'job']);
/** Only on PostgreSQL (a pool, a LISTEN connection); a SQLite run cannot check them. */
const POSTGRES_ONLY = new Set(['portal_db_pool_connections', 'portal_change_signal_connected']);

interface Rule {
  alert: string;
  expr: string;
}

/** The alert names and expressions of the rule file (inline or `|` block scalars): enough YAML for this file, no parser installed. */
export function alertRules(yaml: string): Rule[] {
  const lines = yaml.split('\n');
  const rules: Rule[] = [];
  let alert = '';
  for (let i = 0; i < lines.length; i++) {
    const a = /^\s*- alert: (\S+)\s*$/.exec(lines[i]!);
    if (a) alert = a[1]!;
    const e = /^(\s*)expr: (.*)$/.exec(lines[i]!);
    if (!e) continue;
    if (e[2]!.trim() !== '|') {
      rules.push({ alert, expr: e[2]!.trim() });
      continue;
    }
    const body: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.search(/\S/) > e[1]!.length)) body.push(lines[++i]!);
    rules.push({ alert, expr: body.join('\n').trim() });
  }
  return rules;
}

interface Selector {
  name: string;
  matchers: Array<{ label: string; op: string; value: string }>;
}

/** Each series selector of an expression: a metric name, and its label matchers if any. */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  // A name is an identifier not followed by "(" (a function or a keyword's list) and not inside braces or quotes.
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, (s) => s.replace(/[^"]/g, ' '));
  for (const m of withoutStrings.matchAll(/(?<![\w{,="])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?/g)) {
    const name = m[1]!;
    if (!name.startsWith('portal_') && !FROM_PROMETHEUS.has(name)) continue;
    const braces = m[2] ? expr.slice(m.index! + m[0].indexOf('{'), m.index! + m[0].length) : '';
    const matchers = [...braces.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({ label: x[1]!, op: x[2]!, value: x[3]! }));
    out.push({ name, matchers });
  }
  return out;
}

/** The labels of `by (…)`, `on (…)`, `without (…)` and `ignoring (…)` clauses. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|on|without|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()).filter(Boolean));
}

/** What in the rules names a metric, a label or a label value the exported samples do not have. */
function problemsOf(rules: Rule[], samples: Sample[], dialect: string): string[] {
  const problems: string[] = [];
  const exported = new Set(samples.map((s) => s.name));
  for (const { alert, expr } of rules) {
    const named: string[] = [];
    for (const { name, matchers } of selectors(expr)) {
      if (FROM_PROMETHEUS.has(name)) continue;
      named.push(name);
      if (!exported.has(name)) {
        if (!(POSTGRES_ONLY.has(name) && dialect === 'sqlite')) problems.push(`${alert}: ${name} is not exported`);
        continue;
      }
      const series = samples.filter((s) => s.name === name);
      for (const { label, op, value } of matchers) {
        const values = new Set(series.map((s) => s.labels[label]).filter((v): v is string => v !== undefined));
        if (values.size === 0) {
          problems.push(`${alert}: ${name} has no label ${label}`);
          continue;
        }
        if (op === '=' && !values.has(value)) problems.push(`${alert}: ${name}{${label}="${value}"} is never exported (it takes ${[...values].join(', ')})`);
        if (op === '=~' && /^[\w/:-]+(\|[\w/:-]+)*$/.test(value)) {
          // A list of literal values: each must be one the label takes.
          for (const alt of value.split('|')) if (!values.has(alt)) problems.push(`${alert}: ${name}{${label}=~"…${alt}…"}: ${alt} is never exported`);
        } else if (op === '=~' || op === '!~') {
          const re = new RegExp(`^(?:${value})$`);
          // A pattern (status=~"5..") must at least fit the label's form: it matches one of the values seen, or one of the same shape.
          const shaped = [...values].map((v) => v.replace(/\d/g, '5'));
          if (![...values, ...shaped].some((v) => re.test(v))) problems.push(`${alert}: ${name}{${label}${op}"${value}"} matches nothing of ${[...values].join(', ')}`);
        }
      }
    }
    const labelsOfNamed = new Set(samples.filter((s) => named.includes(s.name)).flatMap((s) => Object.keys(s.labels)));
    for (const label of groupingLabels(expr)) {
      if (!ADDED_BY_PROMETHEUS.has(label) && labelsOfNamed.size > 0 && !labelsOfNamed.has(label)) problems.push(`${alert}: groups by ${label}, a label none of its metrics has`);
    }
  }
  return problems;
}

let rt: TestRuntime;
let customer: TestCustomer;
let samples: Sample[];

beforeAll(async () => {
  rt = await createTestRuntime({ env: { METRICS_TOKEN } });
  customer = await createCustomerWithAdmin(rt.deps);
  const staff = await createTestStaff(rt.deps, 'admin');
  // The requests the rules name by route: a failed sign-in on each form (what PortalSlowRoute leaves out).
  expect((await new TestClient(rt).signIn(customer.rut, customer.admin.email, 'no es la clave')).status).toBe(401);
  expect((await new TestClient(rt, {}, 'staff_csrf').post('/proveedor/ingresar', { email: staff.email, password: 'no es la clave' })).status).toBe(401);
  // A reader's pages, so the shared caches exist (each is made on its first use) and show up by name.
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  const reader = await signedIn(rt, customer);
  for (const path of ['/servicios', '/ayuda/contabilidad/cierre-mensual']) expect((await reader.get(path)).status, path).toBe(200);
  samples = await scrape(rt);
}, 60_000);
afterAll(() => rt.close());

describe('portal-alerts.yml against what /metrics exports', () => {
  const rules = alertRules(readFileSync(RULES, 'utf8'));

  it('reads every rule of the file', () => {
    expect(rules.length).toBe((readFileSync(RULES, 'utf8').match(/^\s*- alert: /gm) ?? []).length);
    expect(rules.length).toBeGreaterThanOrEqual(13);
    for (const r of rules) expect(selectors(r.expr).length, r.alert).toBeGreaterThan(0);
  });

  it('names only metrics the registry exports, with label values they take', () => {
    expect(problemsOf(rules, samples, rt.deps.dialect)).toEqual([]);
  });

  it('the checker itself: a misspelt name, a value never exported and a wrong grouping label are caught', () => {
    expect(selectors('sum by (instance) (rate(portal_sign_ins_total{outcome="wrong-credentials"}[10m])) > 1')).toEqual([
      { name: 'portal_sign_ins_total', matchers: [{ label: 'outcome', op: '=', value: 'wrong-credentials' }] },
    ]);
    expect(selectors('portal_outbox_pending != portal_outbox_pending').map((s) => s.name)).toEqual(['portal_outbox_pending', 'portal_outbox_pending']);
    const broken = readFileSync(RULES, 'utf8')
      .replace('max(portal_outbox_dead_letters)', 'max(portal_outbox_dead_letter)')
      .replace('outcome="wrong-credentials"', 'outcome="wrong-password"')
      .replace('/ingresar|/proveedor/ingresar', '/ingresar|/proveedor/login')
      .replace('sum by (instance, throttle)', 'sum by (instance, kind)')
      .replace('status=~"5.."', 'status=~"5.x"');
    expect(problemsOf(alertRules(broken), samples, rt.deps.dialect)).toEqual([
      expect.stringMatching(/^PortalHigh5xxRate: portal_http_request_duration_seconds_count\{status=~"5\.x"\} matches nothing of /),
      'PortalSlowRoute: portal_http_request_duration_seconds_count{route=~"…/proveedor/login…"}: /proveedor/login is never exported',
      expect.stringMatching(/^PortalSignInFailureSpike: portal_sign_ins_total\{outcome="wrong-password"\} is never exported/),
      'PortalThrottleRefusalSpike: groups by kind, a label none of its metrics has',
      'PortalOutboxDeadLetters: portal_outbox_dead_letter is not exported',
    ]);
  });
});
