import { z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.ts';
import { apiRoute } from '../api-route.ts';

export const SystemResource = z
  .object({
    slug: z.string().describe('Identificador del sistema, el que se usa al crear un contrato (`system`).'),
    name: z.string(),
    description: z.string(),
  })
  .openapi('System');

const listSystems = apiRoute({
  method: 'get',
  path: '/systems',
  scope: 'customers:read',
  tags: ['Sistemas'],
  summary: 'Lista los sistemas que se pueden contratar',
  responses: {
    200: { description: 'Todos los sistemas, en el orden de la ayuda.', content: { 'application/json': { schema: z.object({ items: z.array(SystemResource) }) } } },
  },
});

/** The vendor's systems (a handful): no pagination. */
export function registerSystemsApi(app: ApiApp): void {
  app.openapi(listSystems, async (c) => {
    const rows = await c.get('deps').db.selectFrom('systems').select(['slug', 'name', 'description']).orderBy('position').orderBy('slug').execute();
    return c.json({ items: rows }, 200);
  });
}
