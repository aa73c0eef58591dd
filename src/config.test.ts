import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('runs the embedded setup with no variables at all', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('data/portal.sqlite');
    expect(c.devMailbox).toBe(true);
    expect(c.secureCookies).toBe(false);
    expect(c.brand.name).toBe('Mi Transtecnia');
    expect(c.brand.copyright).toMatch(/© Transtecnia$/);
    expect(c.sessionIdleMs).toBe(30 * 60_000);
  });

  it('uses Secure __Host- cookies when served over https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://portal.ejemplo.cl/' })).toMatchObject({ secureCookies: true, publicUrl: 'https://portal.ejemplo.cl' });
  });

  it('takes the brand from the environment', () => {
    const c = loadConfig({ BRAND_NAME: 'Portal Acme', BRAND_VENDOR: 'Acme', BRAND_PRIMARY_COLOR: '#123456' });
    expect(c.brand).toMatchObject({ name: 'Portal Acme', vendor: 'Acme', primaryColor: '#123456' });
  });

  it('refuses bad values with a clear Spanish message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '-5' })).toThrow(/SESSION_IDLE_MINUTES debe ser un número entero positivo/);
    expect(() => loadConfig({ BRAND_PRIMARY_COLOR: 'azul' })).toThrow(/BRAND_PRIMARY_COLOR debe ser un color hexadecimal/);
    expect(() => loadConfig({ SMTP_URL: 'no es url' })).toThrow(/SMTP_URL/);
  });

  it('reads TRUST_PROXY as none, a hop count ("true" is one) or a list of proxies, and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toEqual({ hops: 0 });
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toEqual({ hops: 0 });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toEqual({ hops: 1 });
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.10,loopback' }).trustProxy).toEqual({ proxies: ['10.0.0.0/8', '192.0.2.10', 'loopback'] });
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.interno' })).toThrow(/TRUST_PROXY debe ser .*«proxy.interno» no es una dirección ni una red/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '500' })).toThrow(/TRUST_PROXY/);
  });

  it('refuses to serve the development mailbox to the network: no SMTP_URL needs a loopback HOST', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST=0\.0\.0\.0 .*SMTP_URL.*\/dev\/correo/);
    expect(() => loadConfig({ HOST: '192.168.1.20', NODE_ENV: 'test' })).toThrow(/HOST/);
    expect(() => loadConfig({ HOST: '::' })).toThrow(/HOST/);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) expect(loadConfig({ HOST: host }).devMailbox).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0', SMTP_URL: 'smtp://mail:25' }).devMailbox).toBe(false);
  });

  it('requires SMTP in production, so mail is never silently kept', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SMTP_URL es obligatorio/);
    expect(loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' }).devMailbox).toBe(false);
  });
});
