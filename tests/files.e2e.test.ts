import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUnit, bearer, tokenFor } from './support/accounts.js';
import { type TestServer, startTestServer } from './support/httpServer.js';

/** Evidence files over HTTP: stored once by content hash, served back unchanged and never as a page. */
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, ['unit_head'], await addUnit(server, '磨子潭镇'));
});
afterAll(() => server.stop());

const PHOTO = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
// SHA-256 of PHOTO, computed once with `sha256sum`.
const PHOTO_SHA256 = '4353a1de7e0dcc4e87350e22d5c9ee9f3e70e8ce9c31533ec991bee8870c4814';

async function upload(body: Buffer, name: string, type: string, auth: Record<string, string> = bearer(token)) {
  const response = await fetch(`${server.url}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': type, ...auth },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('evidence files', () => {
  it('takes uploads only from someone signed in', async () => {
    const { status, body } = await upload(PHOTO, '现场照片.png', 'image/png', {});
    expect(status).toBe(401);
    expect(body.error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'NO_TOKEN' });
    expect(readdirSync(server.dataDir)).not.toContain('files');
  });

  it('stores a file under its SHA-256 and answers what the event will reference', async () => {
    const { status, body } = await upload(PHOTO, '现场照片.png', 'image/png');
    expect(status).toBe(201);
    expect(body).toEqual({ name: '现场照片.png', sha256: PHOTO_SHA256, size: 12, contentType: 'image/png' });
  });

  it('stores the same content once, whatever it is called', async () => {
    const again = await upload(PHOTO, 'copy.png', 'image/png');
    expect(again.body.sha256).toBe(PHOTO_SHA256);
    expect(readdirSync(join(server.dataDir, 'files')).filter((f) => f === PHOTO_SHA256)).toEqual([PHOTO_SHA256]);
  });

  it('serves it back byte for byte, inline for an image', async () => {
    const response = await fetch(`${server.url}/files/${PHOTO_SHA256}?name=${encodeURIComponent('现场照片.png')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('现场照片.png')}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(PHOTO)).toBe(true);
  });

  it('serves an uploaded web page as a download in a sandbox, never as a page of this site', async () => {
    const { body } = await upload(Buffer.from('<script>alert(1)</script>'), 'x.html', 'text/html');
    const response = await fetch(`${server.url}/files/${body.sha256}`);
    expect(response.headers.get('content-disposition')?.startsWith('attachment;')).toBe(true);
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses an empty upload, a bad digest and an unknown one with clear codes', async () => {
    expect(await upload(Buffer.alloc(0), 'empty.txt', 'text/plain')).toEqual({
      status: 400,
      body: { error: { code: 'EMPTY_FILE', message: 'The upload is empty.' } },
    });
    const bad = await fetch(`${server.url}/files/not-a-digest`);
    expect([bad.status, ((await bad.json()) as any).error.code]).toEqual([400, 'BAD_DIGEST']);
    const missing = await fetch(`${server.url}/files/${'0'.repeat(64)}`);
    expect([missing.status, ((await missing.json()) as any).error.code]).toEqual([404, 'FILE_NOT_FOUND']);
  });

  it('refuses a file over 20 MB with PAYLOAD_TOO_LARGE and keeps nothing', async () => {
    const before = readdirSync(join(server.dataDir, 'files')).length;
    const { status, body } = await upload(Buffer.alloc(20 * 1024 * 1024 + 1, 1), 'big.bin', 'application/octet-stream');
    expect(status).toBe(413);
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(readdirSync(join(server.dataDir, 'files')).length).toBe(before);
  });
});
