import type { PreviewSubject } from '../../../staff/customer-preview.ts';

/** On every preview page: whose help this is, and that nothing here can be changed. */
export function PreviewBanner(props: { subject: PreviewSubject }) {
  const { customer, user } = props.subject;
  const who = user ? `${user.name} (${user.email}), usuario técnico de ${customer.name}` : `un usuario técnico de ${customer.name}`;
  return (
    <div class="preview-banner" role="note">
      <p>
        Vista previa de lo que ve <bdi>{who}</bdi> — sólo lectura. <a href={`/proveedor/clientes/${encodeURIComponent(customer.id)}`}>Volver al cliente</a>
      </p>
    </div>
  );
}
