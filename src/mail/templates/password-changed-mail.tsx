import type { Brand } from '../../config.ts';
import type { MailMessage } from '../outbox.ts';
import { MailLayout, renderHtml, textFooter } from './mail-layout.tsx';

const when = new Intl.DateTimeFormat('es-CL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Santiago' });

export function passwordChangedMail(d: { brand: Brand; to: string; name: string; at: Date; portalUrl: string }): MailMessage {
  const subject = `Su clave de ${d.brand.name} fue cambiada`;
  const at = when.format(d.at);
  const text = `Hola ${d.name}:

La clave de acceso de su cuenta en ${d.brand.name} se cambió el ${at}. Todas las sesiones abiertas se cerraron.

Si fue usted, no necesita hacer nada. Si no fue usted, recupere su acceso ahora en ${d.portalUrl}/recuperar y avise a soporte: ${d.brand.supportEmail}.
${textFooter(d.brand)}`;
  const html = renderHtml(
    <MailLayout brand={d.brand} title={subject}>
      <p>Hola {d.name}:</p>
      <p>La clave de acceso de su cuenta en {d.brand.name} se cambió el {at}. Todas las sesiones abiertas se cerraron.</p>
      <p>
        Si fue usted, no necesita hacer nada. Si no fue usted, <a href={`${d.portalUrl}/recuperar`}>recupere su acceso ahora</a> y avise a soporte:{' '}
        {d.brand.supportEmail}.
      </p>
    </MailLayout>,
  );
  return { to: d.to, subject, text, html, kind: 'password-changed' };
}
