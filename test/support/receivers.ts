import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  deliveryId: string;
  to: string;
  subject: string;
  body: string;
  receivedAt: number;
}

/**
 * A receiver as a careful consumer writes one: it keeps every message, and counts a second arrival
 * of the same delivery id as a duplicate rather than a new message.
 */
class Inbox {
  readonly messages: ReceivedMessage[] = [];
  readonly duplicates: ReceivedMessage[] = [];
  private readonly seen = new Set<string>();

  take(message: ReceivedMessage) {
    if (this.seen.has(message.deliveryId)) this.duplicates.push(message);
    else {
      this.seen.add(message.deliveryId);
      this.messages.push(message);
    }
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= and =?UTF-8?B?...?=), as mail clients show them. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset, encoding, text) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x: string, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

/** A real SMTP server (smtp-server) on a free port: what the tracker's nodemailer talks to. */
export async function startSmtpReceiver() {
  const inbox = new Inbox();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string) => decodeWords(new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '');
        for (const to of session.envelope.rcptTo) {
          // the body as a reader sees it: quoted-printable soft breaks and escapes undone
          const body = Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
          inbox.take({ deliveryId: header('X-Tracker-Delivery'), to: to.address, subject: header('Subject'), body, receivedAt: Date.now() });
        }
        callback();
      });
    },
  });
  // a sender killed mid-conversation resets its connection: that is the fault under test, not a failure of the receiver
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A real HTTP receiver for webhooks. It checks the HMAC signature; paths under /fail answer 500.
 */
export async function startWebhookReceiver(secret: string) {
  const inbox = new Inbox();
  const rejected: string[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const signature = String(req.headers['x-tracker-signature'] ?? '');
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
      const expected = match ? createHmac('sha256', secret).update(`${match[1]}.${body}`).digest() : null;
      if (!match || !expected || !timingSafeEqual(expected, Buffer.from(match[2], 'hex')) || Math.abs(Date.now() / 1000 - Number(match[1])) > 300) {
        rejected.push(body);
        res.writeHead(401).end();
        return;
      }
      if (req.url?.startsWith('/fail')) {
        failures += 1;
        res.writeHead(500).end('receiver down');
        return;
      }
      const parsed = JSON.parse(body);
      inbox.take({ deliveryId: String(req.headers['x-tracker-delivery']), to: `http://${req.headers.host}${req.url}`, subject: parsed.subject, body, receivedAt: Date.now() });
      res.writeHead(204).end();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    inbox,
    rejected,
    failures: () => failures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
