import { Writable } from 'node:stream';
import pino from 'pino';
import type { TestRuntime } from './test-runtime.ts';

/** From now on the runtime's log at info level, each line as the server writes it (JSON), into the array returned. */
export function captureLog(rt: TestRuntime): string[] {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  (rt.deps as { log: pino.Logger }).log = pino({ level: 'info' }, sink);
  return lines;
}
