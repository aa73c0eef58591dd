import { createServer, type Server } from 'node:http';
import { portalListener } from '../src/web/portal-listener.ts';
import { createTestRuntime, type TestRuntime } from './test-runtime.ts';

/**
 * The portal behind a real node:http server on a free port, on the test
 * database (SQLite in memory, or a PostgreSQL schema of its own): for what
 * only shows over real sockets, such as many requests truly at once.
 */
export interface HttpPortal {
  rt: TestRuntime;
  base: string;
  server: Server;
  close(): Promise<void>;
}

export async function startHttpPortal(opts: Parameters<typeof createTestRuntime>[0] = {}): Promise<HttpPortal> {
  const rt = await createTestRuntime(opts);
  const server = createServer(portalListener(rt.deps, rt.app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    rt,
    server,
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rt.close();
    },
  };
}

/**
 * A browser over fetch: keeps cookies, fills in the CSRF field from its
 * cookie (`csrf` for the portal, `staff_csrf` for the console), comes from
 * one address (X-Forwarded-For).
 */
export class HttpBrowser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly portal: HttpPortal,
    readonly address: string,
    private readonly csrfCookie = 'csrf',
  ) {}

  async request(path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-forwarded-for': this.address,
    };
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.cookies.get(this.csrfCookie) ?? '', ...form }).toString();
    }
    const res = await fetch(this.portal.base + path, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const [k, v] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
      if (!v || /max-age=0/i.test(line)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Loads the form once, so the CSRF cookie exists before any parallel POSTs. */
  async ready(): Promise<this> {
    if (!this.cookies.has('csrf')) await this.request('/ingresar');
    return this;
  }

  async signIn(rut: string, email: string, password: string) {
    await this.ready();
    return this.request('/ingresar', { rut, email, password });
  }
}
