/**
 * The CSV the console imports: one row per contract, the customer's columns
 * repeated on each of its rows. A customer that is not in the portal yet is
 * created with its administrator (who gets a credentials mail); a customer
 * that is already there only gets the row's contract, and its name must
 * match. A row may leave the contract columns empty to create a customer
 * without contracts.
 */
export const IMPORT_COLUMNS = [
  { name: 'rut', required: true, doc: 'RUT de la empresa, escrito como quiera (76.543.210-3, 76543210-3); se revisa el dígito verificador.' },
  { name: 'razon_social', required: true, doc: 'Razón social. Si el RUT ya es cliente, debe ser la misma que tiene en el portal.' },
  { name: 'admin_nombre', required: false, doc: 'Nombre del administrador. Obligatorio en la primera fila de un cliente nuevo; vacío (o igual) en las demás; vacío si el cliente ya existe.' },
  { name: 'admin_correo', required: false, doc: 'Correo del administrador, que recibirá sus credenciales. Las mismas reglas que admin_nombre.' },
  { name: 'sistema', required: false, doc: 'Sistema contratado, por su código (p. ej. contabilidad). Vacío junto con plan y desde: la fila no agrega contrato.' },
  { name: 'plan', required: false, doc: 'Plan contratado (p. ej. Plan Pyme).' },
  { name: 'desde', required: false, doc: 'Primer día del contrato: AAAA-MM-DD o DD-MM-AAAA.' },
  { name: 'hasta', required: false, doc: 'Último día del contrato (opcional; vacío: sin término).' },
] as const;

export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['name'];

/** The largest upload the import route reads (its own limit; every other form keeps 64 KiB). */
export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5_000;

export const IMPORT_PATH = '/proveedor/importar';

/** The template to download: the header and two example rows (one customer, two contracts). */
export function importTemplate(system = 'contabilidad', otherSystem = 'remuneraciones'): string {
  return [
    IMPORT_COLUMNS.map((c) => c.name).join(','),
    `76.543.210-3,Comercial Ejemplo SpA,Ana Pérez,ana.perez@ejemplo.cl,${system},Plan Pyme,2026-01-01,2026-12-31`,
    `76.543.210-3,Comercial Ejemplo SpA,,,${otherSystem},Plan Full,2026-03-01,`,
  ].join('\r\n') + '\r\n';
}
