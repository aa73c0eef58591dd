import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 nobody is listening on, for a server process a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
