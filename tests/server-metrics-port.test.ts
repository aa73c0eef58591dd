import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';
import { parseExposition } from './metrics-scrape.ts';

// The real server process with METRICS_PORT: /metrics on its own listener, not on the main port, and closed on SIGTERM.

const dir = mkdtempSync(join(tmpdir(), 'portal-metrics-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('server process with METRICS_PORT', () => {
  it('serves /metrics on the metrics port only, without a token, and closes it on SIGTERM', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, DATABASE_URL: join(dir, 'portal.sqlite'), PORT: String(port), METRICS_PORT: String(metricsPort), METRICS_TOKEN: '', LOG_LEVEL: 'info', NODE_ENV: 'development', SMTP_URL: '', DEMO_DATA: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    while (!output.includes('portal listening')) {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('metrics listening');
    expect((await fetch(`http://127.0.0.1:${port}/salud`)).status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(await metrics.text());
    // The request to /salud on the main port is in the histogram, by its route.
    expect(samples.find((s) => s.name === 'portal_http_request_duration_seconds_count' && s.labels.route === '/salud')?.value).toBe(1);
    expect(samples.some((s) => s.name === 'portal_process_resident_memory_bytes')).toBe(true);
    // The main port does not serve it.
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);

    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  }, 60_000);
});
