import type { Brand } from '../../config.ts';
import { oneLine } from '../../domain/plain-text.ts';
import { formatRut } from '../../domain/rut.ts';
import { MailSecrets } from '../mail-secrets.ts';
import type { MailMessage } from '../outbox.ts';
import { MailButton, MailNote } from './mail-blocks.tsx';
import { MailLayout, renderHtml, textFooter } from './mail-layout.tsx';

export interface CredentialsMailData {
  brand: Brand;
  portalUrl: string;
  to: string;
  name: string;
  customerRut: string;
  customerName: string;
  temporaryPassword: string;
  expiresAt: Date;
  addedBy: string;
  profile: 'admin' | 'technical';
  resent?: boolean;
}

const when = new Intl.DateTimeFormat('es-CL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Santiago' });

/** The temporary password is a secret: the stored bodies hold its placeholder only. */
export function credentialsMail(data: CredentialsMailData): MailMessage {
  // Defence in depth: the fields were validated, rows stored before that were not; nothing here may end a header or start a line.
  const d = { ...data, to: oneLine(data.to), name: oneLine(data.name), customerName: oneLine(data.customerName), addedBy: oneLine(data.addedBy) };
  const secrets = new MailSecrets();
  const password = secrets.add('temporaryPassword', d.temporaryPassword);
  const rut = formatRut(d.customerRut);
  const expires = when.format(d.expiresAt);
  const profile = d.profile === 'admin' ? 'administrador' : 'técnico';
  const subject = oneLine(d.resent ? `Nuevas credenciales de acceso a ${d.brand.name}` : `Sus credenciales de acceso a ${d.brand.name}`);
  const text = `Hola ${d.name}:

${d.addedBy} ${d.resent ? 'generó nuevas credenciales para usted' : 'lo registró como usuario'} con perfil ${profile} en ${d.brand.name}, el portal de clientes de ${d.brand.vendor}, para ${d.customerName}.

Para ingresar use:
  RUT de la empresa: ${rut}
  Correo: ${d.to}
  Clave temporal: ${password}

Ingrese en ${d.portalUrl}/ingresar
La clave temporal vence el ${expires} y sólo sirve para crear su propia clave: el portal se la pedirá al ingresar.
${d.resent ? 'Las credenciales enviadas antes ya no sirven.\n' : ''}
Si no esperaba este correo, ignórelo.
${textFooter(d.brand)}`;
  const html = renderHtml(
    <MailLayout brand={d.brand} title={subject}>
      <p>Hola {d.name}:</p>
      <p>
        {d.addedBy} {d.resent ? 'generó nuevas credenciales para usted' : 'lo registró como usuario'} con perfil <strong>{profile}</strong> en{' '}
        {d.brand.name}, el portal de clientes de {d.brand.vendor}, para {d.customerName}.
      </p>
      <table role="presentation" cellpadding="6" style="border:1px solid #e3e7ec;border-radius:4px;margin:16px 0">
        <tr><td>RUT de la empresa</td><td><strong>{rut}</strong></td></tr>
        <tr><td>Correo</td><td><strong>{d.to}</strong></td></tr>
        <tr><td>Clave temporal</td><td><strong style="font-family:monospace;font-size:16px">{password}</strong></td></tr>
      </table>
      <MailButton brand={d.brand} href={`${d.portalUrl}/ingresar`}>
        Ingresar al portal
      </MailButton>
      <p>La clave temporal vence el {expires} y sólo sirve para crear su propia clave: el portal se la pedirá al ingresar.</p>
      {d.resent ? <p>Las credenciales enviadas antes ya no sirven.</p> : null}
      <MailNote>Si no esperaba este correo, ignórelo.</MailNote>
    </MailLayout>,
  );
  return { to: d.to, subject, text, html, kind: d.resent ? 'credentials-resent' : 'credentials', secrets: secrets.values };
}
