import { createHmac } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as an SMTP server received it: the raw MIME text. */
export type ReceivedMail = { raw: string; to: string[] };

/** A real SMTP server on 127.0.0.1 (smtp-server): no TLS, no login, keeps what it receives. */
export async function startSmtpServer(): Promise<{ url: string; port: number; mails: ReceivedMail[]; close: () => Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ raw: Buffer.concat(chunks).toString('utf8'), to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The headers and the decoded text body of a simple (single-part) MIME message, as nodemailer writes one. */
export function parseMail(raw: string): { headers: Record<string, string>; subject: string; body: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const decodeWords = (value: string) =>
    value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
  const encoded = rest.join('\n\n');
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const body =
    encoding === 'base64'
      ? Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            encoded.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : encoded;
  return { headers, subject: decodeWords(headers.subject ?? ''), body: body.trim() };
}

export type WebhookHit = { deliveryId: string; body: any; query: URLSearchParams; status: number };

/**
 * A local HTTP receiver. `dingtalkSecret` makes it check the signature as DingTalk does
 * (timestamp + "\n" + secret, HMAC-SHA256 with the secret, base64, as `timestamp` and `sign` query
 * parameters) and answer like a DingTalk robot; `failFirst` answers 500 to that many requests first;
 * `delayMs` answers each request that much later (a slow receiver, so a crash finds sends under way).
 */
export async function startReceiver(options: { dingtalkSecret?: string; failFirst?: number; delayMs?: number } = {}) {
  const hits: WebhookHit[] = [];
  let failures = options.failFirst ?? 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const query = new URL(req.url!, 'http://x').searchParams;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const deliveryId = String(req.headers['x-taizhang-delivery-id'] ?? '');
      let status = 200;
      let answer: unknown = { errcode: 0, errmsg: 'ok' };
      if (failures > 0) {
        failures--;
        status = 500;
        answer = { error: 'down for a moment' };
      } else if (options.dingtalkSecret !== undefined) {
        const timestamp = query.get('timestamp') ?? '';
        const expected = createHmac('sha256', options.dingtalkSecret).update(`${timestamp}\n${options.dingtalkSecret}`).digest('base64');
        // URLSearchParams has already URL-decoded `sign` once, as DingTalk's server does.
        if (query.get('sign') !== expected || Math.abs(Date.now() - Number(timestamp)) > 3600_000) {
          status = 200;
          answer = { errcode: 310000, errmsg: 'sign not match' };
        }
      }
      hits.push({
        deliveryId,
        body,
        query,
        status: status === 200 && (answer as { errcode: number }).errcode === 0 ? 200 : status === 200 ? 403 : status,
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/robot/send?access_token=test-token`,
    hits,
    /** Deliveries accepted, by delivery id: how many times each was accepted. */
    accepted: () => {
      const counts = new Map<string, number>();
      for (const h of hits) if (h.status === 200) counts.set(h.deliveryId, (counts.get(h.deliveryId) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until the condition holds (or fails after the timeout). */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
