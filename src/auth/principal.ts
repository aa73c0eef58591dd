import { userInfo } from 'node:os';
import type { StaffRole, UserRole } from '../db/schema.ts';

/**
 * Who is acting, whatever the door they came in by. Operations take a
 * principal, decide with the policy what it may do, and write it to the
 * audit trail with its kind: a customer's user, a vendor staff member, the
 * operator's command line, or (later) an API client.
 */
export type Principal = CustomerUserPrincipal | StaffPrincipal | CliPrincipal | ApiClientPrincipal;

export interface CustomerUserPrincipal {
  kind: 'user';
  userId: string;
  name: string;
  email: string;
  role: UserRole;
  customer: { id: string; rut: string; name: string };
  ip: string | null;
}

export interface StaffPrincipal {
  kind: 'staff';
  staffId: string;
  name: string;
  email: string;
  role: StaffRole;
  ip: string | null;
}

/** The operator at the server's terminal: trusted like a staff administrator, named by the OS account that ran the command. */
export interface CliPrincipal {
  kind: 'cli';
  label: string;
}

/** A vendor system calling /api/v1 with a token: `clientId` is the token's id, `name` its name, `scopes` what it may do. */
export interface ApiClientPrincipal {
  kind: 'api';
  clientId: string;
  name: string;
  /** The token's prefix ("mpt_3fa9c2d1"), for logs and the audit label. */
  prefix: string;
  scopes: ReadonlySet<string>;
  ip: string | null;
}

/** What the audit trail says acted: a principal's kind, or nobody yet known (a failed sign-in, a reset request). */
export type ActorKind = Principal['kind'] | 'anonymous';

export const ACTOR_KINDS: readonly ActorKind[] = ['user', 'staff', 'cli', 'api', 'anonymous'];

export const ACTOR_KIND_LABEL: Record<ActorKind, string> = {
  user: 'Usuario del cliente',
  staff: 'Personal del proveedor',
  cli: 'Operador (terminal)',
  api: 'Cliente de la API',
  anonymous: 'Sin identificar',
};

/** The command line's principal: "operador (root)". */
export function cliOperator(osUser: string = safeOsUser()): CliPrincipal {
  return { kind: 'cli', label: `operador (${osUser})` };
}

function safeOsUser(): string {
  try {
    return userInfo().username || 'desconocido';
  } catch {
    return 'desconocido';
  }
}

/** The audit trail's actor columns for a principal (spread into an AuditEvent). */
export function auditActor(p: Principal): { actorKind: ActorKind; actorUserId: string | null; actorStaffId: string | null; actorApiTokenId?: string | null; actorLabel: string; ip: string | null } {
  switch (p.kind) {
    case 'user':
      return { actorKind: 'user', actorUserId: p.userId, actorStaffId: null, actorLabel: p.email, ip: p.ip };
    case 'staff':
      return { actorKind: 'staff', actorUserId: null, actorStaffId: p.staffId, actorLabel: p.email, ip: p.ip };
    case 'cli':
      return { actorKind: 'cli', actorUserId: null, actorStaffId: null, actorLabel: p.label, ip: null };
    case 'api':
      return { actorKind: 'api', actorUserId: null, actorStaffId: null, actorApiTokenId: p.clientId, actorLabel: `api:${p.name} (${p.prefix})`, ip: p.ip };
  }
}

/** How a principal signs what it sends (the "from" of a credentials mail, created_by columns). */
export function principalName(p: Principal): string {
  return p.kind === 'cli' ? p.label : p.name;
}

/** The value kept in created_by columns: a user or staff id, or the CLI's label. */
export function principalRef(p: Principal): string {
  switch (p.kind) {
    case 'user':
      return p.userId;
    case 'staff':
      return `staff:${p.staffId}`;
    case 'cli':
      return `cli:${p.label}`;
    case 'api':
      return `api:${p.clientId}`;
  }
}
