import type { Brand } from '../../config.ts';
import { oneLine } from '../../domain/plain-text.ts';
import type { MailMessage } from '../outbox.ts';
import { MailLayout, renderHtml, textFooter } from './mail-layout.tsx';

const when = new Intl.DateTimeFormat('es-CL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Santiago' });

export function passwordChangedMail(data: { brand: Brand; to: string; name: string; at: Date; portalUrl: string }): MailMessage {
  // Defence in depth: nothing stored may end a header or start a line of its own.
  const d = { ...data, to: oneLine(data.to), name: oneLine(data.name) };
  const subject = oneLine(`Su clave de ${d.brand.name} fue cambiada`);
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
