import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../tests/client.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { ConfigError, loadConfig } from '../../../config.ts';

// /dev/correo shows every mail the portal "sent" (temporary passwords, reset
// links) to anyone who asks: it may exist only while nobody but this
// machine can reach the portal.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

describe('the development mailbox and HOST', () => {
  it('is there without SMTP_URL on a loopback HOST (the tests\' own setup)', async () => {
    expect(rt.config.host).toBe('127.0.0.1');
    expect(rt.config.devMailbox).toBe(true);
    expect((await new TestClient(rt).get('/dev/correo')).status).toBe(200);
  });

  it('cannot be started on HOST=0.0.0.0 without SMTP_URL: a Spanish ConfigError naming both', () => {
    const start = () => loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/HOST=0\.0\.0\.0/);
    expect(start).toThrow(/SMTP_URL/);
  });

  it('answers 404 when the portal listens on the network, for a config that got past loadConfig', async () => {
    const host = rt.deps.config.host;
    rt.deps.config.host = '0.0.0.0';
    try {
      expect((await new TestClient(rt).get('/dev/correo')).status).toBe(404);
      expect((await new TestClient(rt).get('/dev/correo/cualquiera')).status).toBe(404);
    } finally {
      rt.deps.config.host = host;
    }
  });
});
