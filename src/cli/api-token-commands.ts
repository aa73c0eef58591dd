import { API_SCOPES } from '../api/api-scopes.ts';
import { createApiToken } from '../api/tokens/create-api-token.ts';
import { findApiToken, listApiTokens, type ApiTokenRow } from '../api/tokens/list-api-tokens.ts';
import { revokeApiToken } from '../api/tokens/revoke-api-token.ts';
import { AppError } from '../errors.ts';
import { need, optional, UsageError, type Command } from './command.ts';
import { table } from './table.ts';

const STATE: Record<ApiTokenRow['state'], string> = { active: 'activo', expired: 'vencido', revoked: 'revocado' };

/** What a token looks like to a script (`--json`): never the token itself, except once, from create. */
function shown(t: ApiTokenRow) {
  return { id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes, state: t.state, createdAt: t.createdAt, createdBy: t.createdBy, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt, lastUsedIp: t.lastUsedIp, revokedAt: t.revokedAt };
}

/**
 * API tokens from the server's terminal, as the console's Tokens de la API
 * page has them: the same operations, audited with the operator as actor.
 * `--json` gives one JSON document on stdout for a provisioning script.
 */
export const API_TOKEN_COMMANDS: Record<string, Command> = {
  'api-token create': {
    usage: `api-token create --name "Facturación" --scopes ${API_SCOPES.slice(0, 2).join(',')} [--days 90] [--json]`,
    summary: `Crea un token de la API y lo muestra esta única vez (el portal guarda sólo su huella). Permisos: ${API_SCOPES.join(', ')}.`,
    async run(rt, o, out, ctx) {
      const scopes = need(o, 'scopes').split(',').map((s) => s.trim()).filter(Boolean);
      const t = await createApiToken(rt.deps, ctx.operator, { name: need(o, 'name'), scopes: scopes as never, expiresInDays: optional(o, 'days') ?? 90 });
      if (o.json === true) return out(JSON.stringify({ id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes, expiresAt: t.expiresAt, token: t.token }));
      out(t.token);
      // The token alone on stdout's first line (a script may take it with `head -1`); what to do with it on stderr.
      ctx.err(`Token «${t.name}» creado: prefijo ${t.prefix}, permisos ${t.scopes.join(', ')}, vence el ${t.expiresAt}.`);
      ctx.err('Cópielo ahora: no se volverá a mostrar.');
    },
  },
  'api-token list': {
    usage: 'api-token list [--json]',
    summary: 'Lista los tokens de la API: prefijo, permisos, vencimiento, último uso y estado (nunca el token).',
    async run(rt, o, out) {
      const rows = await listApiTokens(rt.deps.db, rt.deps.clock.now());
      if (o.json === true) return out(JSON.stringify(rows.map(shown)));
      if (rows.length === 0) return out('No hay tokens de la API.');
      out(table(['Id', 'Prefijo', 'Nombre', 'Permisos', 'Vence', 'Último uso', 'Desde', 'Estado'], rows.map((t) => [t.id, t.prefix, t.name, t.scopes.join(','), t.expiresAt, t.lastUsedAt, t.lastUsedIp, STATE[t.state]])));
    },
  },
  'api-token revoke': {
    usage: 'api-token revoke <id o prefijo> [--json]',
    summary: 'Revoca un token de la API al instante: la llamada siguiente con él se rechaza.',
    async run(rt, o, out, ctx) {
      const key = ctx.args[0] ?? optional(o, 'id');
      if (!key) throw new UsageError('Indique el id o el prefijo del token (mpt_…), como los muestra portal api-token list.');
      const t = await findApiToken(rt.deps.db, key, rt.deps.clock.now());
      if (!t) throw new AppError(404, 'api-token-not-found', `No hay un token de la API con id o prefijo «${key}».`);
      const r = await revokeApiToken(rt.deps, ctx.operator, t.id);
      if (o.json === true) return out(JSON.stringify({ id: t.id, prefix: r.prefix, revoked: true, changed: r.changed }));
      out(r.changed ? `Token «${r.name}» (${r.prefix}) revocado.` : `El token «${r.name}» (${r.prefix}) ya estaba revocado.`);
    },
  },
};
