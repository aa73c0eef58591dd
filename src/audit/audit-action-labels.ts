import type { AuditAction } from './record-audit-event.ts';

/**
 * Every audit action in Spanish, in one map. A Record over the union: an
 * action added to AuditAction without its label does not compile. Its keys
 * are also the list the filters offer and accept.
 */
export const AUDIT_ACTION_LABEL: Record<AuditAction, string> = {
  'sign-in.ok': 'Ingreso correcto',
  'sign-in.failed': 'Ingreso fallido',
  'sign-in.throttled': 'Ingreso bloqueado por intentos',
  'sign-out': 'Salida',
  'sessions.revoked-others': 'Cerró sus otras sesiones',
  'password.changed': 'Cambio de clave',
  'password.change-failed': 'Cambio de clave fallido',
  'password.reset-requested': 'Pidió recuperar la clave',
  'password.reset': 'Recuperó la clave',
  'user.created': 'Usuario creado',
  'user.credentials-resent': 'Credenciales reenviadas',
  'user.disabled': 'Usuario deshabilitado',
  'user.enabled': 'Usuario habilitado',
  'user.deleted': 'Usuario eliminado',
  'user.help-scope-changed': 'Cambio de la ayuda visible del usuario',
  'customer.created': 'Cliente creado',
  'customer.disabled': 'Cliente deshabilitado',
  'customer.enabled': 'Cliente habilitado',
  'contract.added': 'Contrato agregado',
  'contract.ended': 'Contrato terminado',
  'contract.plan-changed': 'Cambio de plan',
  'customer.admin-added': 'Administrador agregado',
  'customer.admin-replaced': 'Administrador reemplazado',
  'customer.imported': 'Importación de clientes',
  'user.throttle-lifted': 'Bloqueo de ingreso levantado',
  'user.sessions-ended': 'Sesiones del usuario cerradas',
  'session.ended': 'Sesión cerrada',
  'mail.retried': 'Correo reintentado',
  'mail.discarded': 'Correo descartado',
  'audit.exported': 'Auditoría exportada',
  'staff.invited': 'Personal invitado',
  'staff.invitation-accepted': 'Invitación de personal aceptada',
  'staff.invitation-resent': 'Invitación de personal reenviada',
  'staff.password-link-sent': 'Enlace para nueva clave enviado',
  'staff.role-changed': 'Cambio de rol del personal',
  'staff.disabled': 'Personal deshabilitado',
  'staff.enabled': 'Personal habilitado',
  'staff.mfa-enrolled': 'Segundo factor configurado',
  'staff.mfa-reset': 'Segundo factor restablecido',
  'staff.recovery-code-used': 'Código de recuperación usado',
  'staff.sign-in.ok': 'Ingreso del personal',
  'staff.sign-in.failed': 'Ingreso del personal fallido',
  'staff.sign-in.throttled': 'Ingreso del personal bloqueado',
  'staff.second-factor.ok': 'Segundo factor correcto',
  'staff.second-factor.failed': 'Segundo factor fallido',
  'staff.step-up': 'Segundo factor renovado',
  'staff.sign-out': 'Salida del personal',
  'staff.preview-as-customer': 'Vista como cliente',
};

export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABEL) as [AuditAction, ...AuditAction[]];

/** The label of a stored action; an action written by an older version shows as its code. */
export function auditActionLabel(action: string): string {
  return (AUDIT_ACTION_LABEL as Record<string, string>)[action] ?? action;
}
