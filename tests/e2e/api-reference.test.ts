import { expect, it } from 'vitest';
import { useAxePortal } from './axe-portal.ts';
import { describeInBrowser } from './browser.ts';
import { expectAccessibleAtBothWidths } from './expect-accessible-at-both-widths.ts';

/**
 * The API reference (/api/v1/docs) in chromium with axe-core: served by the
 * portal with its stylesheets (so contrast is measured on them), no
 * violation at desktop width or at 390 px, and no sideways scroll on a
 * phone: the long paths and the schema tables wrap or scroll in their box.
 */
describeInBrowser('the API reference page is accessible', { timeout: 120_000 }, () => {
  const env = useAxePortal({ withHelp: false }, 90_000);

  it('finds no violation on /api/v1/docs, at desktop width and at 390 px', async () => {
    const res = await fetch(`${env.portal.base}/api/v1/docs`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/i);
    await expectAccessibleAtBothWidths(env.axe, env.portal.base, [['referencia de la API', '/api/v1/docs', res]]);
  });
});
