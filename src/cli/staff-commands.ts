import { findStaffByEmail, type StaffRef } from '../staff/find-staff.ts';
import { sendStaffPasswordLink } from '../staff/send-staff-password-link.ts';
import { inviteStaff } from '../staff/invite-staff.ts';
import { resendStaffInvitation } from '../staff/resend-staff-invitation.ts';
import { resetStaffMfa } from '../staff/reset-staff-mfa.ts';
import type { Runtime } from '../boot.ts';
import type { CliPrincipal } from '../auth/principal.ts';
import { need, type Command } from './command.ts';

/** A command on one staff member named by --email: the operation's result line is printed. */
function byEmail(verb: string, summary: string, act: (rt: Runtime, operator: CliPrincipal, staff: StaffRef) => Promise<string>): Command {
  return {
    usage: `staff ${verb} --email persona@proveedor.cl`,
    summary,
    async run(rt, o, out, ctx) {
      const staff = await findStaffByEmail(rt.deps.db, need(o, 'email'));
      out(await act(rt, ctx.operator, staff));
    },
  };
}

/**
 * The vendor's staff from the server's terminal: the first administrator is
 * created here (everyone after from the console's Personal page), and an
 * operator can rescue someone who lost both phone and recovery codes.
 */
export const STAFF_COMMANDS: Record<string, Command> = {
  'staff create': {
    usage: 'staff create --email persona@proveedor.cl --name "Nombre" --role admin|soporte|editor|lectura',
    summary: 'Crea una persona del personal del proveedor y le envía por correo una invitación de un solo uso para elegir su clave.',
    async run(rt, o, out, ctx) {
      const email = need(o, 'email');
      await inviteStaff(rt.deps, ctx.operator, { email, name: need(o, 'name'), role: need(o, 'role') as never });
      const hours = Math.round(rt.deps.config.staffInvitationMs / 3_600_000);
      out(`Invitación para ${email.trim().toLowerCase()} en la cola de correo (portal outbox list); el enlace vence en ${hours} horas.`);
    },
  },
  'staff resend-invitation': byEmail(
    'resend-invitation',
    'Envía una nueva invitación a quien aún no eligió su clave; el enlace anterior deja de servir.',
    async (rt, operator, staff) => {
      await resendStaffInvitation(rt.deps, operator, staff.id);
      return `Nueva invitación para ${staff.email} en la cola de correo.`;
    },
  ),
  'staff reset-password': byEmail(
    'reset-password',
    'Para quien olvidó su clave: la clave deja de servir, se cierran sus sesiones y recibe por correo un enlace de un solo uso para elegir otra (el segundo factor no cambia).',
    async (rt, operator, staff) => {
      await sendStaffPasswordLink(rt.deps, operator, staff.id);
      return `Enlace para nueva clave de ${staff.email} en la cola de correo.`;
    },
  ),
  'staff reset-mfa': byEmail(
    'reset-mfa',
    'Borra el segundo factor y los códigos de recuperación de una persona y cierra sus sesiones; al ingresar configurará uno nuevo.',
    async (rt, operator, staff) => {
      const r = await resetStaffMfa(rt.deps, operator, staff.id);
      return `Segundo factor de ${r.email} restablecido; ${r.sessionsEnded} sesiones cerradas.`;
    },
  ),
};
