import type { Brand } from '../../config.ts';
import { oneLine } from '../../domain/plain-text.ts';
import { STAFF_ROLE_LABEL } from '../../policies/staff-policy.ts';
import type { StaffRole } from '../../db/schema.ts';
import type { Child } from 'hono/jsx';
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

/** The sentences that tell the two mails apart; the rest (greeting, link, expiry, footer) is one body. */
interface Wording {
  subject: string;
  lead: { text: string; html: Child };
  /** Completes "Abra este enlace para …" in the text part. */
  openTo: string;
  button: string;
  after: string;
  note: string;
  kind: string;
}

/**
 * An invitation to the vendor's console: a single-use link to choose a
 * password, then enrol the second factor. With `passwordReset`, the same
 * link for a member who forgot their password (the second factor is asked
 * as always after it).
 */
export function staffInvitationMail(data: StaffInvitationMailData): MailMessage {
  const d = { ...data, to: oneLine(data.to), name: oneLine(data.name), invitedBy: oneLine(data.invitedBy) };
  const secrets = new MailSecrets();
  const link = secrets.add('invitationLink', d.link);
  const expires = when.format(d.expiresAt);
  const w = d.passwordReset ? passwordLinkWording(d) : invitationWording(d);
  const subject = oneLine(w.subject);
  const text = `Hola ${d.name}:

${w.lead.text}

Abra este enlace para ${w.openTo} (sirve una sola vez y vence el ${expires}):

${link}

${w.after}
${d.resent ? 'Los enlaces enviados antes ya no sirven.\n' : ''}
${w.note}
${textFooter(d.brand)}`;
  const html = renderHtml(
    <MailLayout brand={d.brand} title={subject}>
      <p>Hola {d.name}:</p>
      <p>{w.lead.html}</p>
      <MailButton brand={d.brand} href={link}>{w.button}</MailButton>
      <p>El enlace sirve una sola vez y vence el {expires}. Si el botón no funciona, copie esta dirección en su navegador:</p>
      <MailLinkText href={link} />
      <p>{w.after}</p>
      {d.resent ? <p>Los enlaces enviados antes ya no sirven.</p> : null}
      <MailNote>{w.note}</MailNote>
    </MailLayout>,
  );
  return { to: d.to, subject, text, html, kind: w.kind, secrets: secrets.values };
}

function invitationWording(d: StaffInvitationMailData): Wording {
  const role = STAFF_ROLE_LABEL[d.role];
  const before = `${d.invitedBy} lo invitó a la consola del proveedor de ${d.brand.name} (${d.brand.vendor}) con el perfil `;
  return {
    subject: `Invitación a la consola de ${d.brand.name}`,
    lead: { text: `${before}${role}.`, html: <>{before}<strong>{role}</strong>.</> },
    openTo: 'elegir su clave',
    button: 'Elegir mi clave',
    after: 'Después configurará una aplicación de autenticación en su teléfono: la consola pide siempre un segundo factor.',
    note: 'Si no esperaba este correo, ignórelo.',
    kind: d.resent ? 'staff-invitation-resent' : 'staff-invitation',
  };
}

function passwordLinkWording(d: StaffInvitationMailData): Wording {
  const lead = `${d.invitedBy} le envió un enlace para elegir una nueva clave de la consola del proveedor de ${d.brand.name}. Su clave anterior ya no sirve y sus sesiones se cerraron.`;
  return {
    subject: `Nueva clave para la consola de ${d.brand.name}`,
    lead: { text: lead, html: <>{lead}</> },
    openTo: 'elegirla',
    button: 'Elegir mi nueva clave',
    after: 'Su segundo factor no cambia: después de elegir la clave, la consola le pedirá el código de su aplicación.',
    note: 'Si usted no lo pidió, avise a un administrador de la consola.',
    kind: 'staff-password-link',
  };
}
