import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startHttpPortal, type HttpPortal } from '../http-portal.ts';
import { AxeAuditor, launchChromium } from './browser.ts';

/** What a describe block of axe checks works with; set once its beforeAll has run. */
export interface AxePortal {
  portal: HttpPortal;
  browser: Browser;
  axe: AxeAuditor;
}

/**
 * A portal over real HTTP (so the stylesheets load and contrast is measured
 * on them), chromium and an axe auditor for the describe block this is called
 * in: started before its tests, closed after them.
 */
export function useAxePortal(options: Parameters<typeof startHttpPortal>[0] = {}, startTimeout = 90_000): AxePortal {
  const env = {} as AxePortal;
  beforeAll(async () => {
    [env.portal, env.browser] = await Promise.all([startHttpPortal(options), launchChromium()]);
    env.axe = await AxeAuditor.create(env.browser);
  }, startTimeout);
  afterAll(async () => {
    await env.browser?.close();
    await env.portal?.close();
  });
  return env;
}
