import type { Brand } from '../../config.ts';
import { oneLine } from '../../domain/plain-text.ts';
import type { HelpNewsItem } from '../../help/news/list-help-news.ts';
import { MailSecrets } from '../mail-secrets.ts';
import type { MailMessage } from '../outbox.ts';
import { MailLinkText, MailNote } from './mail-blocks.tsx';
import { MailLayout, renderHtml, textFooter } from './mail-layout.tsx';

export interface DigestSystem {
  slug: string;
  name: string;
  /** Changed articles shown in the mail (the newest first). */
  items: HelpNewsItem[];
  /** All changed articles of the system in the period (may be more than shown). */
  total: number;
}

const KIND_LABEL = { new: 'Nuevo', updated: 'Actualizado' } as const;

/**
 * The weekly summary of what changed in the help of the reader's systems.
 * The unsubscribe link carries a token, a secret: the stored bodies and the
 * List-Unsubscribe header hold its placeholder only (decision 0010).
 */
export function helpDigestMail(data: { brand: Brand; publicUrl: string; to: string; name: string; systems: DigestSystem[]; unsubscribeToken: string }): MailMessage {
  const { brand, publicUrl } = data;
  const to = oneLine(data.to);
  const name = oneLine(data.name);
  const secrets = new MailSecrets();
  const unsubscribe = secrets.add('unsubscribeLink', `${publicUrl}/ayuda/resumen/baja?t=${data.unsubscribeToken}`);
  const count = data.systems.reduce((n, s) => n + s.total, 0);
  const subject = oneLine(`${brand.name}: ${count === 1 ? '1 cambio' : `${count} cambios`} en la ayuda de sus sistemas`);
  const articleUrl = (system: string, slug: string) => `${publicUrl}/ayuda/${system}/${slug}`;
  const newsUrl = (system: string) => `${publicUrl}/ayuda/${system}/novedades`;
  const settingsUrl = `${publicUrl}/cuenta/novedades`;

  const textSystems = data.systems
    .map((s) => {
      const lines = s.items.map((i) => `- ${KIND_LABEL[i.kind]}: ${oneLine(i.title)}${i.changeNote ? ` (${oneLine(i.changeNote)})` : ''}\n  ${articleUrl(s.slug, i.slug)}`);
      const more = s.total > s.items.length ? `\n  … y ${s.total - s.items.length} más.` : '';
      return `${oneLine(s.name)}\n${lines.join('\n')}${more}\n  Todas las novedades de ${oneLine(s.name)}: ${newsUrl(s.slug)}`;
    })
    .join('\n\n');
  const text = `Hola ${name}:

Estos son los cambios de la última semana en la ayuda de sus sistemas.

${textSystems}

Para dejar de recibir este resumen, abra este enlace:
${unsubscribe}
o desactívelo en Mi cuenta: ${settingsUrl}
${textFooter(brand)}`;

  const html = renderHtml(
    <MailLayout brand={brand} title="Novedades de la ayuda">
      <p>Hola {name}:</p>
      <p>Estos son los cambios de la última semana en la ayuda de sus sistemas.</p>
      {data.systems.map((s) => (
        <>
          <h2 style="font-size:17px;margin:20px 0 8px">{s.name}</h2>
          <ul style="padding-left:20px;margin:0 0 8px">
            {s.items.map((i) => (
              <li style="margin:0 0 8px">
                <strong>{KIND_LABEL[i.kind]}:</strong> <a href={articleUrl(s.slug, i.slug)}>{i.title}</a>
                {i.changeNote ? <div style="color:#5a6675">{i.changeNote}</div> : null}
              </li>
            ))}
          </ul>
          {s.total > s.items.length ? <p>… y {s.total - s.items.length} más.</p> : null}
          <p>
            <a href={newsUrl(s.slug)}>Todas las novedades de {s.name}</a>
          </p>
        </>
      ))}
      <MailNote>
        Recibe este correo porque pidió el resumen semanal de la ayuda. <a href={unsubscribe}>Dejar de recibirlo</a> o cámbielo en{' '}
        <a href={settingsUrl}>Mi cuenta</a>.
      </MailNote>
      <MailLinkText href={unsubscribe} />
    </MailLayout>,
  );
  return {
    to,
    subject,
    text,
    html,
    kind: 'help-digest',
    secrets: secrets.values,
    // RFC 8058: the mail client may POST "List-Unsubscribe=One-Click" to that address, without cookies.
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
