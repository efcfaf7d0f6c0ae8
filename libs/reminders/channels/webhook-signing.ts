import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new webhook secret in the Standard Webhooks form: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers of one message (https://www.standardwebhooks.com/): `webhook-id` is the
 * delivery id, signed with the timestamp and the body, so a resend carries the same id and a receiver
 * de-duplicates on it. With several secrets (a rotation's overlap) each signs, and `webhook-signature`
 * lists them space-separated: a receiver holding either verifies with an off-the-shelf library.
 */
export function standardWebhookHeaders(deliveryId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(deliveryId, at, body)).join(' '),
  };
}
