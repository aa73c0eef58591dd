import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { isPlainText } from '../../domain/plain-text.ts';
import { credentialsMail } from './credentials-mail.tsx';
import { passwordChangedMail } from './password-changed-mail.tsx';
import { passwordResetMail } from './password-reset-mail.tsx';

// Defence in depth under the field rules: whatever a stored name, address or
// configured brand holds, no header of a mail can carry CR or LF (a second
// header, a Bcc) or a bidi override, and the greeting stays one line.

const brand = loadConfig({ NODE_ENV: 'test' }).brand;

function mailsFor(name: string, to: string, brandName: string) {
  const b = { ...brand, name: brandName };
  return [
    credentialsMail({
      brand: b, portalUrl: 'http://localhost', to, name, customerRut: '12345678-5', customerName: name, temporaryPassword: 'abcd-efgh-ijkl-mnop',
      expiresAt: new Date('2026-03-03T15:00:00Z'), addedBy: name, profile: 'technical',
    }),
    credentialsMail({
      brand: b, portalUrl: 'http://localhost', to, name, customerRut: '12345678-5', customerName: name, temporaryPassword: 'abcd-efgh-ijkl-mnop',
      expiresAt: new Date('2026-03-03T15:00:00Z'), addedBy: name, profile: 'admin', resent: true,
    }),
    passwordChangedMail({ brand: b, to, name, at: new Date('2026-03-02T15:00:00Z'), portalUrl: 'http://localhost' }),
    passwordResetMail({ brand: b, to, name, link: 'http://localhost/restablecer?token=x', minutes: 60 }),
  ];
}

describe('mail headers', () => {
  it('never carry CR or LF, even from a stored name, address or brand that holds them', () => {
    for (const m of mailsFor('Rosa\r\nBcc: todos@sur.cl', 'rosa@sur.cl\r\nBcc: todos@sur.cl', 'Mi Portal\r\nX-Injected: 1 \u202e')) {
      expect(m.subject).not.toMatch(/[\r\n]/);
      expect(m.subject).toContain('Mi Portal X-Injected: 1');
      expect(m.to).toBe('rosa@sur.cl Bcc: todos@sur.cl');
      expect(m.text.split('\n')[0]).toBe('Hola Rosa Bcc: todos@sur.cl:');
    }
  });

  it('are one plain line whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), (name, brandName) => {
        for (const m of mailsFor(name, `${name}@sur.cl`, brandName)) {
          for (const header of [m.subject, m.to]) {
            expect(header).not.toMatch(/[\r\n]/);
            expect(isPlainText(header)).toBe(true);
          }
          expect(m.text.startsWith('Hola ')).toBe(true);
          expect(isPlainText(m.text.split('\n')[0]!)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
