import { createHmac, randomBytes } from 'node:crypto';

/** A new webhook secret in the Standard Webhooks form: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers of one message (https://www.standardwebhooks.com/): `webhook-id` is the
 * delivery id, signed with the timestamp and the body, so a resend carries the same id and a receiver
 * de-duplicates on it. With several secrets (a rotation's overlap) each signs, and `webhook-signature`
 * lists them space-separated: a receiver holding either verifies with an off-the-shelf library.
 *
 * The signature is the specification's `v1,` and the base64 of HMAC-SHA256, keyed with the secret's bytes
 * (the base64 after `whsec_`), over `<id>.<timestamp>.<body>`: what the standardwebhooks library's own
 * sign() makes (the spec verifies with its verify()), with Node's crypto instead of the library's
 * JavaScript SHA-256, several times slower per message.
 */
export function standardWebhookHeaders(deliveryId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signed = `${deliveryId}.${timestamp}.${body}`;
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets.map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`).join(' '),
  };
}

/** A secret's key bytes: the base64 after the `whsec_` prefix; never an empty key (the library refuses one too). */
function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length === 0) throw new Error("Secret can't be empty.");
  return key;
}
