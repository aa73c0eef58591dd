import { expect } from 'vitest';
import { formatFindings, PHONE, type AxeAuditor, type Finding } from './browser.ts';

/**
 * Each page (label, the path it is served at, the portal's answer) answered
 * below 500, axe finds no violation at desktop and at 390 px, and at 390 px
 * it does not scroll sideways.
 */
export async function expectAccessibleAtBothWidths(axe: AxeAuditor, origin: string, pages: ReadonlyArray<readonly [string, string, Response]>): Promise<void> {
  const all: Finding[] = [];
  const overflow: string[] = [];
  for (const [label, path, res] of pages) {
    expect(res.status, label).toBeLessThan(500);
    const html = await res.text();
    for (const [viewport, suffix] of [[undefined, ''], [PHONE, ' (390 px)']] as const) {
      const found = await axe.run(`${origin}${path}`, html, viewport);
      all.push(...found.map((f) => ({ page: `${label}${suffix}`, ...f })));
    }
    // The phone audit ran last, so the auditor's page is at 390 px.
    const wide = await axe.scrollWidth();
    if (wide > PHONE.width) overflow.push(`${label}: ${wide} px`);
  }
  expect(all, formatFindings(all)).toEqual([]);
  expect(overflow).toEqual([]);
}
