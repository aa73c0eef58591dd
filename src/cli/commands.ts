import { addContract } from '../customers/add-contract.ts';
import { endContract } from '../customers/end-contract.ts';
import { createCustomer } from '../customers/create-customer.ts';
import { findCustomerByRut } from '../customers/find-customer.ts';
import { listContracts } from '../customers/list-contracts.ts';
import { listUsers } from '../customers/list-users.ts';
import { searchCustomers } from '../customers/search-customers.ts';
import { changeContractPlan } from '../customers/change-contract-plan.ts';
import { setCustomerDisabled } from '../customers/set-customer-disabled.ts';
import { vendorToday } from '../domain/contracts.ts';
import { formatRut } from '../domain/rut.ts';
import { API_TOKEN_COMMANDS } from './api-token-commands.ts';
import { AUDIT_COMMANDS, SYSTEM_COMMANDS } from './audit-commands.ts';
import { need, optional, type Command } from './command.ts';
import { HELP_COMMANDS } from './help-commands.ts';
import { HELP_REPORT_COMMANDS } from './help-report-commands.ts';
import { OUTBOX_COMMANDS } from './outbox-commands.ts';
import { STAFF_COMMANDS } from './staff-commands.ts';
import { table } from './table.ts';

export { CommandFailed, UsageError, type Command, type CommandContext, type Options } from './command.ts';

const STATUS = { 'in-force': 'vigente', upcoming: 'por comenzar', ended: 'terminado' } as const;
const STATE = { pending: 'pendiente', active: 'activo', disabled: 'deshabilitado' } as const;

/** `customer disable` and `customer enable`: one command each way. */
function customerSwitch(disabled: boolean): Command {
  const state = disabled ? 'deshabilitado' : 'habilitado';
  return {
    usage: `customer ${disabled ? 'disable' : 'enable'} --rut 76.543.210-3`,
    summary: disabled ? 'Deshabilita un cliente: nadie de él puede ingresar y sus sesiones se cierran.' : 'Vuelve a habilitar un cliente.',
    async run(rt, o, out, ctx) {
      const r = await setCustomerDisabled(rt.deps, ctx.operator, { rut: need(o, 'rut') }, disabled);
      out(r.changed ? `${r.name} quedó ${state}.` : `${r.name} ya estaba ${state}.`);
    },
  };
}

/** Every operator command, by its words. */
export const COMMANDS: Record<string, Command> = {
  'customer create': {
    usage: 'customer create --rut 76.543.210-3 --name "Razón social" --admin-name "Nombre" --admin-email correo@empresa.cl',
    summary: 'Crea un cliente y su administrador, que recibe sus credenciales por correo.',
    async run(rt, o, out, ctx) {
      const r = await createCustomer(rt.deps, ctx.operator, { rut: need(o, 'rut'), name: need(o, 'name'), adminName: need(o, 'admin-name'), adminEmail: need(o, 'admin-email') });
      out(`Cliente ${formatRut(r.rut)} creado. Las credenciales del administrador quedaron en la cola de correo (portal outbox list).`);
    },
  },
  'customer list': {
    usage: 'customer list [--search texto-o-RUT] [--state active|disabled] [--system contabilidad] [--ending 30|60|90] [--page 2]',
    summary: 'Lista los clientes (25 por página) con su número de usuarios y de servicios vigentes; los mismos filtros que la consola.',
    async run(rt, o, out) {
      const r = await searchCustomers(rt.deps.db, { q: optional(o, 'search'), state: optional(o, 'state'), system: optional(o, 'system'), endingWithin: optional(o, 'ending'), page: optional(o, 'page') }, vendorToday(rt.deps.clock.now()));
      if (!r.rows.length) return out(r.total ? `No hay clientes en la página ${r.page} (hay ${r.pageCount}).` : 'No hay clientes.');
      out(table(['RUT', 'Cliente', 'Estado', 'Usuarios', 'Vigentes'], r.rows.map((c) => [formatRut(c.rut), c.name, c.disabled ? 'deshabilitado' : 'activo', c.users, c.contractsInForce])));
      if (r.pageCount > 1) out(`Página ${r.page} de ${r.pageCount} (${r.total} clientes). Siguiente: --page ${Math.min(r.page + 1, r.pageCount)}`);
    },
  },
  'customer disable': customerSwitch(true),
  'customer enable': customerSwitch(false),
  'contract add': {
    usage: 'contract add --rut 76.543.210-3 --system contabilidad --plan "Plan Pyme" --from 2026-01-01 [--to 2026-12-31]',
    summary: 'Registra un servicio contratado; su ayuda se abre el día de inicio.',
    async run(rt, o, out, ctx) {
      const to = typeof o.to === 'string' ? o.to : null;
      const r = await addContract(rt.deps, ctx.operator, { rut: need(o, 'rut') }, { system: need(o, 'system'), plan: need(o, 'plan'), startsOn: need(o, 'from'), endsOn: to });
      out(`Contrato ${r.id} registrado.`);
    },
  },
  'contract end': {
    usage: 'contract end --id <contrato> --on 2026-12-31',
    summary: 'Fija el último día de un contrato; al día siguiente su ayuda se cierra para el cliente.',
    async run(rt, o, out, ctx) {
      await endContract(rt.deps, ctx.operator, { id: need(o, 'id'), endsOn: need(o, 'on') });
      out(`El contrato ${o.id} termina el ${o.on}.`);
    },
  },
  'contract plan': {
    usage: 'contract plan --id <contrato> --plan "Plan Empresa"',
    summary: 'Cambia el plan de un contrato (las fechas no cambian).',
    async run(rt, o, out, ctx) {
      const r = await changeContractPlan(rt.deps, ctx.operator, { id: need(o, 'id'), plan: need(o, 'plan') });
      out(r.changed ? `El contrato ${o.id} quedó con el plan ${o.plan}.` : `El contrato ${o.id} ya tenía ese plan.`);
    },
  },
  'contract list': {
    usage: 'contract list --rut 76.543.210-3',
    summary: 'Lista los contratos de un cliente y su estado hoy (America/Santiago).',
    async run(rt, o, out) {
      const c = await findCustomerByRut(rt.deps.db, need(o, 'rut'));
      const rows = await listContracts(rt.deps.db, c.id, vendorToday(rt.deps.clock.now()));
      out(rows.length ? table(['Id', 'Sistema', 'Plan', 'Desde', 'Hasta', 'Estado'], rows.map((k) => [k.id, k.systemName, k.plan, k.startsOn, k.endsOn, STATUS[k.status]])) : 'El cliente no tiene contratos.');
    },
  },
  'user list': {
    usage: 'user list --rut 76.543.210-3',
    summary: 'Lista los usuarios de un cliente.',
    async run(rt, o, out) {
      const c = await findCustomerByRut(rt.deps.db, need(o, 'rut'));
      const users = await listUsers(rt.deps.db, c.id);
      out(table(['Correo', 'Nombre', 'Perfil', 'Estado', 'Último ingreso'], users.map((u) => [u.email, u.name, u.role === 'admin' ? 'administrador' : 'técnico', STATE[u.state], u.lastSignInAt])));
    },
  },
  ...OUTBOX_COMMANDS,
  ...SYSTEM_COMMANDS,
  ...HELP_COMMANDS,
  ...HELP_REPORT_COMMANDS,
  ...STAFF_COMMANDS,
  ...AUDIT_COMMANDS,
  ...API_TOKEN_COMMANDS,
  migrate: {
    usage: 'migrate',
    summary: 'Lleva la base de datos a la última versión del esquema (el servidor también lo hace al iniciar).',
    async run(_rt, _o, out) {
      out('La base de datos está al día.');
    },
  },
};
