import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';

/** Largest evidence file accepted (整改佐证: photos, scanned documents, spreadsheets). */
export const FILE_LIMIT_BYTES = 20 * 1024 * 1024;

/** What the upload answers, and what a RectificationReported event's evidence.files entry holds. */
export type StoredFile = { name: string; sha256: string; size: number; contentType: string };

const SHA256 = /^[0-9a-f]{64}$/;
/** Types a browser may show in place; anything else is served as a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']);

function safeContentType(value: string | undefined): string {
  const type = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : 'application/octet-stream';
}

/**
 * Evidence files, stored once by the SHA-256 of their content under `dir`: the same photo uploaded
 * twice is one file, and an event that names a digest can never point at changed content.
 * POST /files takes the raw body (the name in `?name=` or the X-File-Name header); GET /files/<sha256>
 * serves it back.
 */
export function filesRouter(dir: string): express.Router {
  const router = express.Router();

  router.post('/', express.raw({ type: () => true, limit: FILE_LIMIT_BYTES }), async (req, res, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (body.length === 0) {
        res.status(400).json({ error: { code: 'EMPTY_FILE', message: 'The upload is empty.' } });
        return;
      }
      const rawName = (typeof req.query.name === 'string' ? req.query.name : undefined) ?? req.header('x-file-name');
      const name = decodeName(rawName).slice(0, 200) || 'file';
      const contentType = safeContentType(req.header('content-type'));
      const sha256 = createHash('sha256').update(body).digest('hex');
      await mkdir(dir, { recursive: true });
      const path = join(dir, sha256);
      if (!(await exists(path))) {
        // Written beside, then renamed: a reader never sees half a file under its digest.
        const partial = `${path}.${process.pid}.${Date.now()}.part`;
        await writeFile(partial, body);
        await rename(partial, path);
        await writeFile(`${path}.type`, contentType);
      }
      const stored: StoredFile = { name, sha256, size: body.length, contentType };
      res.status(201).json(stored);
    } catch (error) {
      next(error);
    }
  });

  router.get('/:sha256', async (req, res, next) => {
    try {
      const { sha256 } = req.params;
      if (!SHA256.test(sha256)) {
        res.status(400).json({ error: { code: 'BAD_DIGEST', message: 'A file is named by its SHA-256 hex digest.' } });
        return;
      }
      const path = join(dir, sha256);
      if (!(await exists(path))) {
        res.status(404).json({ error: { code: 'FILE_NOT_FOUND', message: `No file with digest ${sha256}.` } });
        return;
      }
      const contentType = safeContentType(await readFile(`${path}.type`, 'utf8').catch(() => undefined));
      const name = typeof req.query.name === 'string' ? req.query.name : sha256;
      res.setHeader('Content-Type', contentType);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Uploaded content never runs as a page of this site.
      res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      res.setHeader(
        'Content-Disposition',
        `${INLINE_TYPES.has(contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
      res.send(await readFile(path));
    } catch (error) {
      next(error);
    }
  });

  return router;
}

function decodeName(raw: string | undefined): string {
  if (!raw) return '';
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // not percent-encoded: keep it as sent
  }
  // A name, not a path; no control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
