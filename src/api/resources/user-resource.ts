import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { isUuid } from '../../customers/find-customer.ts';
import { userState } from '../../customers/list-users.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

/**
 * A customer's user as the API shows it. Reached only through its own
 * customer's path: another customer's user id there is a 404, like one
 * that does not exist.
 */
export const UserResource = z
  .object({
    id: z.string().describe('Identificador del usuario (el de `/customers/{rut}/users/{userId}`).'),
    name: z.string(),
    email: z.string().describe('Su correo: con el RUT del cliente, lo que usa para ingresar.'),
    role: z.enum(['admin', 'technical']).describe('`admin`: el administrador del cliente; `technical`: usuario técnico (sólo lee la ayuda).'),
    state: z
      .enum(['pending', 'active', 'disabled'])
      .describe('`pending`: aún no cambia la clave temporal que recibió por correo; `active`: ya ingresó y eligió su clave; `disabled`: no puede ingresar.'),
    helpScope: z
      .union([z.literal('all'), z.array(z.string())])
      .describe('La ayuda que puede leer: `all` (la de todos los sistemas que el cliente tiene contratados) o los sistemas a los que se limitó (sus `slug`).'),
    lastSignInAt: z.string().nullable().describe('Su último ingreso (ISO 8601, UTC); `null` si nunca ingresó.'),
    createdAt: z.string().describe('Cuándo se creó (ISO 8601, UTC).'),
  })
  .openapi('User');

export type UserResource = z.infer<typeof UserResource>;

export const UserIdParam = z.object({
  userId: z.string().max(100).openapi({ param: { name: 'userId', in: 'path' }, description: 'El `id` del usuario.', example: '0f8fad5b-d9cb-469f-a165-70867728950e' }),
});

export const userNotFound = () => new AppError(404, 'user-not-found', 'Ese cliente no tiene un usuario con ese identificador.');

const COLUMNS = ['id', 'name', 'email', 'role', 'disabled_at', 'must_change_password', 'last_sign_in_at', 'created_at'] as const;

/**
 * Users of a customer in creation order (created_at, then id), `limit` of
 * them after the key `after`: new users come last, so a page read earlier
 * never shifts. Their help scopes in one more query, not one per user.
 */
export async function readUsers(db: Kysely<Database>, customerId: string, page: { after?: [string, string]; limit: number; userId?: string }): Promise<UserResource[]> {
  let q = db.selectFrom('users').select(COLUMNS).where('customer_id', '=', customerId);
  if (page.userId !== undefined) q = q.where('id', '=', page.userId);
  if (page.after) {
    const [at, id] = page.after;
    q = q.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]));
  }
  const rows = await q.orderBy('created_at').orderBy('id').limit(page.limit).execute();
  if (rows.length === 0) return [];
  const scopes = await db
    .selectFrom('user_help_scope as u')
    .innerJoin('systems as s', 's.id', 'u.system_id')
    .select(['u.user_id', 's.slug'])
    .where('u.user_id', 'in', rows.map((r) => r.id))
    .orderBy('s.position')
    .orderBy('s.slug')
    .execute();
  const byUser = new Map<string, string[]>();
  for (const s of scopes) byUser.set(s.user_id, [...(byUser.get(s.user_id) ?? []), s.slug]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    state: userState(r),
    helpScope: r.role === 'technical' && byUser.has(r.id) ? byUser.get(r.id)! : 'all',
    lastSignInAt: r.last_sign_in_at,
    createdAt: r.created_at,
  }));
}

/** One user of the customer (a db or a transaction), or 404 user-not-found. */
export async function readUser(db: Kysely<Database>, customerId: string, userId: string): Promise<UserResource> {
  if (!isUuid(userId)) throw userNotFound();
  const [user] = await readUsers(db, customerId, { userId: userId.toLowerCase(), limit: 1 });
  if (!user) throw userNotFound();
  return user;
}
