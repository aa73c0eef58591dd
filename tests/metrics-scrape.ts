import { expect } from 'vitest';
import type { TestRuntime } from './test-runtime.ts';

/** The METRICS_TOKEN the metrics tests configure (32 characters at least, as config.ts asks). */
export const METRICS_TOKEN = 'prueba-de-metricas-0123456789abcdef';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (0.0.4), comments left out. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
    out.push({ name: m[1]!, labels, value: m[3] === 'NaN' ? Number.NaN : Number(m[3]) });
  }
  return out;
}

/** GET /metrics on the app with the token, expecting 200. */
export async function scrape(rt: TestRuntime, token = METRICS_TOKEN): Promise<Sample[]> {
  const res = await rt.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** The value of one sample (0 when absent), labels matched as given (others ignored). */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** Every value a label takes in one family. */
export function labelValues(samples: Sample[], name: string, label: string): Set<string> {
  return new Set(samples.filter((s) => s.name === name && s.labels[label] !== undefined).map((s) => s.labels[label]!));
}
