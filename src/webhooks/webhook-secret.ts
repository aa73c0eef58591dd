import { randomBytes } from 'node:crypto';

/**
 * A Standard Webhooks signing secret: "whsec_" and the base64 of 32 random
 * bytes (the scheme asks for 24 to 64). The portal makes it, never a
 * person: a typed secret is guessable, and one made here is known to be
 * long enough. It is kept as is because every delivery is signed with it.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
