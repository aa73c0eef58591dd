import type { Principal } from '../auth/principal.ts';
import { principalName } from '../auth/principal.ts';
import type { Config } from '../config.ts';

/**
 * Who a credentials mail says added the person: the customer's administrator
 * by name; a staff member by name and the vendor ("Rosa Pérez (Transtecnia)");
 * the operator's terminal or an API client as the vendor itself.
 */
export function credentialsSender(actor: Principal, config: Config): string {
  if (actor.kind === 'user') return actor.name;
  if (actor.kind === 'staff') return `${principalName(actor)} (${config.brand.vendor})`;
  return config.brand.vendor;
}
