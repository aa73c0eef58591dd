import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { fillSecrets, hasSecretPlaceholder, MailSecrets, MissingSecret, parseSecrets, readableMail, redactSecrets, serializeSecrets } from './mail-secrets.ts';
import { credentialsMail } from './templates/credentials-mail.tsx';
import { passwordResetMail } from './templates/password-reset-mail.tsx';

const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.ejemplo.cl' });

describe('secret parts of a mail', () => {
  it('a template leaves only placeholders in its bodies and the values beside them', () => {
    const m = credentialsMail({
      brand: config.brand, portalUrl: config.publicUrl, to: 'x@y.cl', name: 'X', customerRut: '765432103', customerName: 'Y SpA',
      temporaryPassword: 'Ab3d-Ef5h-Jk7m-Np9q', expiresAt: new Date('2026-03-05T15:00:00Z'), addedBy: 'Ana', profile: 'technical',
    });
    for (const body of [m.subject, m.text, m.html]) expect(body).not.toContain('Ab3d-Ef5h-Jk7m-Np9q');
    expect(Object.values(m.secrets!)).toEqual(['Ab3d-Ef5h-Jk7m-Np9q']);
    expect(fillSecrets(m.text, m.secrets!, 'text')).toContain('Clave temporal: Ab3d-Ef5h-Jk7m-Np9q');
    expect(fillSecrets(m.html, m.secrets!, 'html')).toContain('>Ab3d-Ef5h-Jk7m-Np9q</strong>');

    const r = passwordResetMail({ brand: config.brand, to: 'x@y.cl', name: 'X', link: 'https://portal.ejemplo.cl/restablecer?token=tok_123-abc', minutes: 60 });
    for (const body of [r.subject, r.text, r.html]) expect(body).not.toContain('tok_123-abc');
    expect(fillSecrets(r.html, r.secrets!, 'html').match(/tok_123-abc/g)).toHaveLength(2); // the button and the address to copy
  });

  it('placeholders are unguessable: a name that spells one is not filled in', () => {
    const s = new MailSecrets();
    const p = s.add('temporaryPassword', 'secreto');
    expect(p).toMatch(/^\{\{secreto:temporaryPassword:[\w-]{12}\}\}$/);
    expect(new MailSecrets().add('temporaryPassword', 'x')).not.toBe(p);
    expect(() => fillSecrets('Hola {{secreto:temporaryPassword:adivinado}}', s.values, 'text')).toThrow(MissingSecret);
    expect(() => s.add('no válido', 'x')).toThrow();
  });

  it('refuses to fill a body whose secrets are gone', () => {
    const s = new MailSecrets();
    const body = `Clave: ${s.add('temporaryPassword', 'x')}`;
    expect(() => fillSecrets(body, null, 'text')).toThrow(/temporaryPassword/);
    expect(fillSecrets('sin secretos', null, 'text')).toBe('sin secretos');
  });

  it('escapes values for HTML only', () => {
    const s = new MailSecrets();
    const p = s.add('resetLink', 'https://x/?a=1&b="2"');
    expect(fillSecrets(`<a href="${p}">`, s.values, 'html')).toBe('<a href="https://x/?a=1&amp;b=&quot;2&quot;">');
    expect(fillSecrets(p, s.values, 'text')).toBe('https://x/?a=1&b="2"');
  });

  it('stores as JSON, reads back, and shows erased placeholders as notes', () => {
    const s = new MailSecrets();
    const p = s.add('resetLink', 'https://x/r?token=t');
    expect(parseSecrets(serializeSecrets(s.values))).toEqual(s.values);
    expect(serializeSecrets({})).toBeNull();
    expect(parseSecrets('no es json')).toBeNull();
    expect(parseSecrets('[1]')).toBeNull();
    expect(hasSecretPlaceholder(`a ${p}`)).toBe(true);
    expect(hasSecretPlaceholder('a')).toBe(false);
    expect(redactSecrets(`Abra ${p}`)).toBe('Abra [resetLink: borrado de la base al entregar el correo]');
    const row = { text_body: `Abra ${p}`, html_body: `<a href="${p}">`, secrets: serializeSecrets(s.values) };
    expect(readableMail(row).text_body).toBe('Abra https://x/r?token=t');
    expect(readableMail({ ...row, secrets: null }).text_body).toContain('borrado');
  });
});
