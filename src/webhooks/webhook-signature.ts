import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks (standardwebhooks.com): each delivery carries
 * webhook-id (the event's id, the same on every try), webhook-timestamp
 * (Unix seconds of this try) and webhook-signature, "v1," and the base64
 * HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the secret's bytes
 * (the base64 after "whsec_"). A receiver checks the signature and that the
 * timestamp is recent, and drops an id it has already handled.
 */
export function signedHeaders(secret: string, messageId: string, at: Date, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
