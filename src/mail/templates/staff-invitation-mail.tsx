import type { Brand } from '../../config.ts';
import { oneLine } from '../../domain/plain-text.ts';
import { STAFF_ROLE_LABEL } from '../../policies/staff-policy.ts';
import type { StaffRole } from '../../db/schema.ts';
import { MailSecrets } from '../mail-secrets.ts';
import type { MailMessage } from '../outbox.ts';
import { MailButton, MailLinkText, MailNote } from './mail-blocks.tsx';
import { MailLayout, renderHtml, textFooter } from './mail-layout.tsx';

export interface StaffInvitationMailData {
  brand: Brand;
  to: string;
  name: string;
  role: StaffRole;
  /** The invitation link: a secret, written as its placeholder only. */
  link: string;
  expiresAt: Date;
  invitedBy: string;
  resent: boolean;
  /** A member who had a password and forgot it: a link for a new one; the second factor stays as it is. */
  passwordReset?: boolean;
}

const when = new Intl.DateTimeFormat('es-CL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Santiago' });

/** An invitation to the vendor's console: a single-use link to choose a password, then enrol the second factor. */
export function staffInvitationMail(data: StaffInvitationMailData): MailMessage {
  if (data.passwordReset) return staffPasswordLinkMail(data);
  const d = { ...data, to: oneLine(data.to), name: oneLine(data.name), invitedBy: oneLine(data.invitedBy) };
  const secrets = new MailSecrets();
  const link = secrets.add('invitationLink', d.link);
  const role = STAFF_ROLE_LABEL[d.role];
  const expires = when.format(d.expiresAt);
  const subject = oneLine(`Invitación a la consola de ${d.brand.name}`);
  const text = `Hola ${d.name}:

${d.invitedBy} lo invitó a la consola del proveedor de ${d.brand.name} (${d.brand.vendor}) con el perfil ${role}.

Abra este enlace para elegir su clave (sirve una sola vez y vence el ${expires}):

${link}

Después configurará una aplicación de autenticación en su teléfono: la consola pide siempre un segundo factor.
${d.resent ? 'Los enlaces enviados antes ya no sirven.\n' : ''}
Si no esperaba este correo, ignórelo.
${textFooter(d.brand)}`;
  const html = renderHtml(
    <MailLayout brand={d.brand} title={subject}>
      <p>Hola {d.name}:</p>
      <p>
        {d.invitedBy} lo invitó a la consola del proveedor de {d.brand.name} ({d.brand.vendor}) con el perfil <strong>{role}</strong>.
      </p>
      <MailButton brand={d.brand} href={link}>Elegir mi clave</MailButton>
      <p>El enlace sirve una sola vez y vence el {expires}. Si el botón no funciona, copie esta dirección en su navegador:</p>
      <MailLinkText href={link} />
      <p>Después configurará una aplicación de autenticación en su teléfono: la consola pide siempre un segundo factor.</p>
      {d.resent ? <p>Los enlaces enviados antes ya no sirven.</p> : null}
      <MailNote>Si no esperaba este correo, ignórelo.</MailNote>
    </MailLayout>,
  );
  return { to: d.to, subject, text, html, kind: d.resent ? 'staff-invitation-resent' : 'staff-invitation', secrets: secrets.values };
}

/** For a member who forgot their password: the same single-use link, to choose a new one; the second factor is asked as always after it. */
function staffPasswordLinkMail(data: StaffInvitationMailData): MailMessage {
  const d = { ...data, to: oneLine(data.to), name: oneLine(data.name), invitedBy: oneLine(data.invitedBy) };
  const secrets = new MailSecrets();
  const link = secrets.add('invitationLink', d.link);
  const expires = when.format(d.expiresAt);
  const subject = oneLine(`Nueva clave para la consola de ${d.brand.name}`);
  const text = `Hola ${d.name}:

${d.invitedBy} le envió un enlace para elegir una nueva clave de la consola del proveedor de ${d.brand.name}. Su clave anterior ya no sirve y sus sesiones se cerraron.

Abra este enlace para elegirla (sirve una sola vez y vence el ${expires}):

${link}

Su segundo factor no cambia: después de elegir la clave, la consola le pedirá el código de su aplicación.
${d.resent ? 'Los enlaces enviados antes ya no sirven.\n' : ''}
Si usted no lo pidió, avise a un administrador de la consola.
${textFooter(d.brand)}`;
  const html = renderHtml(
    <MailLayout brand={d.brand} title={subject}>
      <p>Hola {d.name}:</p>
      <p>
        {d.invitedBy} le envió un enlace para elegir una nueva clave de la consola del proveedor de {d.brand.name}. Su clave anterior ya no sirve y sus sesiones se cerraron.
      </p>
      <MailButton brand={d.brand} href={link}>Elegir mi nueva clave</MailButton>
      <p>El enlace sirve una sola vez y vence el {expires}. Si el botón no funciona, copie esta dirección en su navegador:</p>
      <MailLinkText href={link} />
      <p>Su segundo factor no cambia: después de elegir la clave, la consola le pedirá el código de su aplicación.</p>
      {d.resent ? <p>Los enlaces enviados antes ya no sirven.</p> : null}
      <MailNote>Si usted no lo pidió, avise a un administrador de la consola.</MailNote>
    </MailLayout>,
  );
  return { to: d.to, subject, text, html, kind: 'staff-password-link', secrets: secrets.values };
}
