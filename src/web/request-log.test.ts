import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestLog } from './request-log.ts';

describe('RequestLog', () => {
  it('writes each line with the request id, through a child made on the first line only', () => {
    const written: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (written.push(String(chunk)), done()) }));
    const lines = () => written.map((l) => JSON.parse(l) as { requestId: string; msg: string; a: number });
    let children = 0;
    const parent = new Proxy(log, { get: (t, k) => (k === 'child' ? (...a: Parameters<typeof log.child>) => (children++, t.child(...a)) : Reflect.get(t, k)) });
    const r = new RequestLog(parent, 'req-1');
    expect(children).toBe(0);
    r.debug({ a: 0 }, 'below the level: nothing, and no child');
    expect(children).toBe(0);
    r.info({ a: 1 }, 'uno');
    r.warn({ a: 2 }, 'dos');
    r.error({ a: 3 }, 'tres');
    expect(children).toBe(1);
    expect(lines().map((l) => [l.requestId, l.msg, l.a])).toEqual([
      ['req-1', 'uno', 1],
      ['req-1', 'dos', 2],
      ['req-1', 'tres', 3],
    ]);
  });
});
