import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, standardWebhookHeaders } from './webhook-signing';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ deliveryId: '42', subject: 'T-7: seven days to the cutoff' });
  const now = new Date();

  it('makes secrets of 32 random bytes in the whsec_ form, never the same twice', () => {
    const secrets = Array.from({ length: 50 }, newWebhookSecret);
    for (const s of secrets) {
      expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(50);
  });

  it("signs exactly as the library's own Webhook.sign, for any id, body and instant", () => {
    for (const [id, text, at] of [
      ['1', '', new Date(0)],
      ['42', body, now],
      ['9007199254740993', JSON.stringify({ text: 'Ünïcödé — “quotes” 🚨', n: [1, 2, 3] }), new Date('2024-09-29T03:59:59.999Z')],
    ] as const) {
      const secret = newWebhookSecret();
      expect(standardWebhookHeaders(id, text, [secret], at)['webhook-signature']).toBe(new Webhook(secret).sign(id, at, text));
    }
  });

  it("verifies with the library's own Webhook.verify and the receiver's secret, the delivery id as webhook-id", () => {
    const secret = newWebhookSecret();
    const headers = standardWebhookHeaders('42', body, [secret], now);
    expect(headers['webhook-id']).toBe('42');
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("does not verify with another receiver's secret, nor with the id, the body or the time changed", () => {
    const secret = newWebhookSecret();
    const headers = standardWebhookHeaders('42', body, [secret], now);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': '43' })).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body.replace('42', '43'), headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) })).toThrow(
      /No matching signature/,
    );
    const old = standardWebhookHeaders('42', body, [secret], new Date(now.getTime() - 10 * 60_000));
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/);
  });

  it('during an overlap signs with each secret, space-separated, so either verifies', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = standardWebhookHeaders('42', body, [current, previous], now);
    expect(headers['webhook-signature'].split(' ')).toEqual([expect.stringMatching(/^v1,/), expect.stringMatching(/^v1,/)]);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });
});
