import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Brand } from '../../config.ts';
import { renderToString } from '../../html/render-to-string.ts';

/** HTML mail wrapper: tables and inline styles are what mail clients understand. The <head> is a string for the reason given in web/layouts/layout.tsx. */
export function MailLayout(props: { brand: Brand; title: string; children: Child }) {
  const { brand } = props;
  return (
    <html lang="es-CL">
      {html`<head><meta charset="utf-8" /><title>${props.title}</title></head>`}
      <body style="margin:0;padding:0;background:#f3f5f8;font-family:Arial,Helvetica,sans-serif;color:#1d2733">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0">
          <tr>
            <td align="center" style="padding:24px">
              <table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px">
                <tr>
                  <td style={`background:${brand.primaryColor};color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold`}>{brand.name}</td>
                </tr>
                <tr>
                  <td style="padding:24px;font-size:15px;line-height:1.5">
                    <h1 style="font-size:20px;margin:0 0 16px">{props.title}</h1>
                    {props.children}
                  </td>
                </tr>
                <tr>
                  <td style="padding:16px 24px;font-size:12px;color:#5a6675;border-top:1px solid #e3e7ec">
                    Soporte: {brand.supportEmail} · {brand.supportPhone}
                    <br />
                    {brand.copyright}
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

export function renderHtml(node: unknown): string {
  return '<!doctype html>' + renderToString(node);
}

export const textFooter = (brand: Brand) => `\n--\n${brand.name} · Soporte: ${brand.supportEmail} · ${brand.supportPhone}\n`;
