import { createHmac } from 'node:crypto';
import nodemailer, { Transporter } from 'nodemailer';
import type { RenderedMessage } from '../../domain/reminders/templates';

export interface OutgoingDelivery {
  id: string;
  recipient: string;
  recipientName: string | null;
  message: RenderedMessage;
  body: Record<string, unknown>;
}

/** A delivery failed in a way a retry may fix; the message is kept on the row. */
class DeliveryError extends Error {}

/** E-mail over SMTP. The Message-ID is the delivery id, so a resend after a crash is recognisable. */
export class EmailChannel {
  private transport: Transporter | null;

  constructor(private readonly smtpUrl: string | undefined, private readonly from: string) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl, { pool: true, maxConnections: 4 } as never) : null;
  }

  async send(d: OutgoingDelivery): Promise<void> {
    if (!this.transport) throw new DeliveryError('SMTP_URL is not configured: e-mail cannot be sent');
    await this.transport.sendMail({
      from: this.from,
      to: d.recipientName ? { name: d.recipientName, address: d.recipient } : d.recipient,
      subject: d.message.subject,
      text: d.message.text,
      html: d.message.html,
      messageId: `<delivery-${d.id}@tracker>`,
      headers: { 'X-Tracker-Delivery': d.id },
    });
  }

  close() {
    this.transport?.close();
  }
}

function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * JSON webhooks, signed: `X-Tracker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * A receiver checks the signature and the timestamp's freshness and de-duplicates on X-Tracker-Delivery.
 */
export class WebhookChannel {
  constructor(private readonly secret: string | undefined, private readonly timeoutMs = 10_000) {}

  async send(d: OutgoingDelivery, now: () => number = Date.now): Promise<void> {
    if (!this.secret) throw new DeliveryError('WEBHOOK_SECRET is not configured: webhooks cannot be signed');
    const body = JSON.stringify(d.body);
    const timestamp = Math.floor(now() / 1000);
    let response: Response;
    try {
      response = await fetch(d.recipient, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-tracker-delivery': d.id,
          'x-tracker-signature': `t=${timestamp},v1=${signWebhook(this.secret, timestamp, body)}`,
          'user-agent': 'transition-tracker',
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new DeliveryError(`webhook ${d.recipient} unreachable: ${(error as Error).message}`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new DeliveryError(`webhook ${d.recipient} answered ${response.status}`);
  }
}
