import type { TestRuntime } from './test-runtime.ts';

/**
 * A browser-like client over app.request: keeps cookies, and fills in the
 * CSRF field from the csrf cookie the way the portal's forms do.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();

  private readonly headers: Record<string, string>;

  /** Each client comes from its own address unless told otherwise, so throttling of one test does not leak into another. */
  constructor(
    private readonly rt: TestRuntime,
    headers: Record<string, string> = {},
    /** The console (/proveedor) has its own CSRF cookie. */
    private readonly csrfCookie: 'csrf' | 'staff_csrf' = 'csrf',
  ) {
    this.headers = { 'x-forwarded-for': `198.51.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`, ...headers };
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, extra: Record<string, string> = {}): Promise<Response> {
    const res = await this.rt.app.request(path, { headers: { cookie: this.cookieHeader(), ...this.headers, ...extra } });
    this.remember(res);
    return res;
  }

  /** POST a form; the CSRF field comes from the cookie unless `_csrf` is given. */
  async post(path: string, fields: Record<string, string> = {}, extra: Record<string, string> = {}): Promise<Response> {
    if (!this.cookies.has(this.csrfCookie)) await this.get(this.csrfCookie === 'csrf' ? '/ingresar' : '/proveedor');
    const body = new URLSearchParams({ _csrf: this.cookies.get(this.csrfCookie) ?? '', ...fields });
    const res = await this.rt.app.request(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...this.headers, ...extra },
    });
    this.remember(res);
    return res;
  }

  async signIn(rut: string, email: string, password: string): Promise<Response> {
    return this.post('/ingresar', { rut, email, password });
  }
}

export function location(res: Response): string | null {
  return res.headers.get('location');
}
