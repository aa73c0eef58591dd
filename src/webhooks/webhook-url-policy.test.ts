import { describe, expect, it } from 'vitest';
import { guardedLookup, postWebhook } from './webhook-post.ts';
import { checkWebhookUrl, refusedAddress } from './webhook-url-policy.ts';

const strict = { allowLocalhost: false, allowPrivateNetworks: false };
const dev = { allowLocalhost: true, allowPrivateNetworks: false };
const lan = { allowLocalhost: false, allowPrivateNetworks: true };

const refusal = (raw: string, policy = strict) => {
  const r = checkWebhookUrl(raw, policy);
  return r.ok ? null : r.message;
};

describe('where webhooks may go', () => {
  it('https to a public name or address is fine; the fragment is dropped', () => {
    const r = checkWebhookUrl(' https://crm.ejemplo.cl/hooks?x=1#frag ', strict);
    expect(r.ok && r.url.href).toBe('https://crm.ejemplo.cl/hooks?x=1');
    expect(refusal('https://8.8.8.8/hook')).toBeNull();
    expect(refusal('https://[2606:4700::1111]/hook')).toBeNull();
  });

  it('says in Spanish why a URL is refused', () => {
    expect(refusal('')).toBe('Ingrese la URL del webhook.');
    expect(refusal('crm.ejemplo.cl/hooks')).toMatch(/URL completa/);
    expect(refusal('http://crm.ejemplo.cl/hooks')).toMatch(/https:\/\//);
    expect(refusal('ftp://crm.ejemplo.cl/')).toMatch(/https:\/\//);
    expect(refusal('https://yo:secreto@crm.ejemplo.cl/')).toMatch(/usuario ni clave/);
    expect(refusal(`https://crm.ejemplo.cl/${'a'.repeat(2000)}`)).toMatch(/como máximo/);
  });

  it('this machine only with WEBHOOK_ALLOW_LOCALHOST, and then plain http too', () => {
    for (const u of ['http://127.0.0.1:8080/h', 'https://localhost/h', 'https://127.0.0.2/h', 'https://[::1]/h', 'https://[::ffff:127.0.0.1]/h', 'https://app.localhost/h']) {
      expect(refusal(u), u).not.toBeNull();
      expect(refusal(u, dev), u).toBeNull();
    }
    // http stays refused for anything else, even in development.
    expect(refusal('http://crm.ejemplo.cl/h', dev)).toMatch(/https/);
  });

  it('link-local (the cloud metadata service), unspecified and multicast never; private networks only when allowed', () => {
    for (const u of ['https://169.254.169.254/latest/meta-data/', 'https://0.0.0.0/', 'https://[fe80::1]/', 'https://224.0.0.1/', 'https://[::ffff:169.254.169.254]/']) {
      for (const p of [strict, dev, lan, { allowLocalhost: true, allowPrivateNetworks: true }]) expect(refusal(u, p), u).toMatch(/nunca se permite/);
    }
    for (const u of ['https://10.1.2.3/', 'https://172.20.0.5/', 'https://192.168.1.10/', 'https://100.64.0.1/', 'https://[fd00::5]/']) {
      expect(refusal(u), u).toMatch(/red privada/);
      expect(refusal(u, lan), u).toBeNull();
    }
    expect(refusedAddress('172.32.0.1', strict)).toBeNull();
  });

  it('an IPv4 address carried in IPv6 (compatible, translated, 6to4), deprecated site-local, and a trailing dot are judged like what they stand for', () => {
    // Every way to write 127.0.0.1 or the metadata service the URL parser and the IPv6 forms allow.
    for (const u of ['https://2130706433/', 'https://0177.0.0.1/', 'https://0x7f.1/', 'https://127.1/', 'https://[::127.0.0.1]/', 'https://[::7f00:1]/',
      'https://[::ffff:0:7f00:1]/', 'https://[0:0:0:0:0:ffff:7f00:1]/', 'https://[2002:7f00:1::1]/', 'https://localhost./', 'https://app.localhost./']) {
      expect(refusal(u), u).not.toBeNull();
    }
    for (const u of ['https://[::a9fe:a9fe]/', 'https://[::ffff:0:a9fe:a9fe]/', 'https://[2002:a9fe:a9fe::]/', 'https://[fec0::1]/', 'https://[100::1]/', 'https://[64:ff9b:1::a9fe:a9fe]/']) {
      expect(refusal(u, { allowLocalhost: true, allowPrivateNetworks: true }), u).not.toBeNull();
    }
    expect(refusal('https://[2002:a00:1::1]/'), 'a 6to4 of 10.0.0.1').toMatch(/red privada/);
    // A 6to4 address of a public IPv4 address is fine, and the refusals do not reach public IPv6.
    expect(refusal('https://[2002:808:808::1]/')).toBeNull();
    expect(refusal('https://[2001:4860:4860::8888]/')).toBeNull();
  });

  it('the address a name resolves to is checked when dialling: localhost by name is refused at the lookup', async () => {
    const err = await new Promise<Error | null>((resolve) => guardedLookup(strict)('localhost', { all: true }, (e) => resolve(e)));
    expect(err?.message).toMatch(/^localhost resuelve a una dirección no permitida: .*(127\.0\.0\.1|::1)/);
    const ok = await new Promise<unknown>((resolve) => guardedLookup(dev)('localhost', {}, (e, address) => resolve(e ?? address)));
    expect(ok).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('postWebhook refuses before connecting, with the reason as the try\'s error', async () => {
    const t = await postWebhook('https://169.254.169.254/latest', {}, '{}', { timeoutMs: 1_000, policy: strict });
    expect(t).toMatchObject({ ok: false, status: null, interrupted: false });
    expect(t.error).toMatch(/^URL no permitida: No se permite esa dirección: 169\.254\.169\.254/);
  });
});
