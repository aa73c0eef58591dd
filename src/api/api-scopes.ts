/**
 * What an API token may do. A token carries a set of these; each operation
 * of /api/v1 needs exactly one (api-route.ts), and the OpenAPI document says
 * which. Reading customers is apart from changing them, so a CRM that only
 * looks things up cannot create or disable anyone.
 */
export const API_SCOPES = ['customers:read', 'customers:write', 'contracts:write', 'users:write', 'audit:read'] as const;

export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABEL: Record<ApiScope, string> = {
  'customers:read': 'Leer clientes, sus contratos, usuarios y los sistemas',
  'customers:write': 'Crear, renombrar, deshabilitar y habilitar clientes',
  'contracts:write': 'Crear contratos, cambiar su plan y terminarlos',
  'users:write': 'Agregar usuarios técnicos, reenviar credenciales, deshabilitar, habilitar, eliminar y cambiar su ayuda visible',
  'audit:read': 'Leer la auditoría',
};

export function isApiScope(s: string): s is ApiScope {
  return (API_SCOPES as readonly string[]).includes(s);
}
