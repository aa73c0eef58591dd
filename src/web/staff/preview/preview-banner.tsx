import type { PreviewSubject } from '../../../staff/customer-preview.ts';

/** On every preview page: whose help this is, and that nothing here can be changed. */
/** `linkBack`: whether the reader may open the customer's console page (an editor previews without it). */
export function PreviewBanner(props: { subject: PreviewSubject; linkBack: boolean }) {
  const { customer, user } = props.subject;
  const who = user ? `${user.name} (${user.email}), usuario técnico de ${customer.name}` : `un usuario técnico de ${customer.name}`;
  return (
    <div class="preview-banner" role="note">
      <p>
        Vista previa de lo que ve <bdi>{who}</bdi> — sólo lectura.{' '}
        {props.linkBack ? <a href={`/proveedor/clientes/${encodeURIComponent(customer.id)}`}>Volver al cliente</a> : null}
      </p>
    </div>
  );
}
