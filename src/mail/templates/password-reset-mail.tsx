import type { Brand } from '../../config.ts';
import { oneLine } from '../../domain/plain-text.ts';
import { MailSecrets } from '../mail-secrets.ts';
import type { MailMessage } from '../outbox.ts';
import { MailButton, MailLinkText, MailNote } from './mail-blocks.tsx';
import { MailLayout, renderHtml, textFooter } from './mail-layout.tsx';

/** The link carries the reset token, a secret: the stored bodies hold its placeholder only. */
export function passwordResetMail(data: { brand: Brand; to: string; name: string; link: string; minutes: number }): MailMessage {
  // Defence in depth: nothing stored may end a header or start a line of its own.
  const d = { ...data, to: oneLine(data.to), name: oneLine(data.name) };
  const secrets = new MailSecrets();
  const link = secrets.add('resetLink', d.link);
  const subject = oneLine(`Recupere su acceso a ${d.brand.name}`);
  const text = `Hola ${d.name}:

Recibimos una solicitud para crear una nueva clave de acceso a ${d.brand.name}.
Abra este enlace para elegirla (sirve una sola vez y vence en ${d.minutes} minutos):

${link}

Si usted no lo pidió, ignore este correo: su clave actual sigue funcionando.
${textFooter(d.brand)}`;
  const html = renderHtml(
    <MailLayout brand={d.brand} title={subject}>
      <p>Hola {d.name}:</p>
      <p>Recibimos una solicitud para crear una nueva clave de acceso a {d.brand.name}.</p>
      <MailButton brand={d.brand} href={link}>Crear nueva clave</MailButton>
      <p>El enlace sirve una sola vez y vence en {d.minutes} minutos. Si el botón no funciona, copie esta dirección en su navegador:</p>
      <MailLinkText href={link} />
      <MailNote>Si usted no lo pidió, ignore este correo: su clave actual sigue funcionando.</MailNote>
    </MailLayout>,
  );
  return { to: d.to, subject, text, html, kind: 'password-reset', secrets: secrets.values };
}
