import type { Child } from 'hono/jsx';
import type { Brand } from '../../config.ts';

/** The mail's one call to action: a link drawn as a button in the brand's colour (inline styles, for mail clients). */
export function MailButton(props: { brand: Brand; href: string; children: Child }) {
  return (
    <p>
      <a href={props.href} style={`background:${props.brand.primaryColor};color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;display:inline-block`}>
        {props.children}
      </a>
    </p>
  );
}

/** A link written out in full, for when the button does not work; long links wrap. */
export function MailLinkText(props: { href: string }) {
  return <p style="word-break:break-all;font-size:13px">{props.href}</p>;
}

/** A muted closing line ("if you did not expect this mail…"). */
export function MailNote(props: { children: Child }) {
  return <p style="color:#5a6675">{props.children}</p>;
}
