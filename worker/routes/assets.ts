// GET /assets/{key} (unsigned): public R2 objects (thumbnails, transcripts) with content type, ETag and
// If-None-Match, Range, and long cache headers. Anything outside the public prefixes, or any odd key, is a 404.
import type { Hono } from 'hono';
import { PUBLIC_ASSET_PREFIXES } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';

const SAFE_KEY = /^[a-z-]+\/[A-Za-z0-9_-]{1,200}\.(jpg|json)$/;

function assetKey(pathname: string): string | null {
  const raw = pathname.slice('/assets/'.length);
  // Percent-encoded separators or dots are never part of a key we write.
  if (raw.includes('%') || raw.includes('..') || !SAFE_KEY.test(raw)) return null;
  return PUBLIC_ASSET_PREFIXES.some((prefix) => raw.startsWith(prefix)) ? raw : null;
}

function parseRange(header: string | null, size: number): R2Range | 'invalid' | undefined {
  if (header === null) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  // The last 0 bytes, or the last bytes of an empty object, is no range at all (RFC 9110: unsatisfiable).
  if (m[1] === '') return Number(m[2]) === 0 || size === 0 ? 'invalid' : { suffix: Number(m[2]) };
  const offset = Number(m[1]);
  if (offset >= size) return 'invalid';
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return end < offset ? 'invalid' : { offset, length: end - offset + 1 };
}

export function registerAssetRoutes(app: Hono<AppBindings>): void {
  app.on(['GET', 'HEAD'], '/assets/*', async (c) => {
    const key = assetKey(new URL(c.req.url).pathname);
    if (key === null) throw new AppError('NOT_FOUND', 'No such asset');
    const bucket = c.get('services').bucket;
    const head = await bucket.head(key);
    if (!head) throw new AppError('NOT_FOUND', 'No such asset');

    const headers = new Headers({
      ETag: head.httpEtag,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      // Thumbnails may be SVG: opened directly they must not run script on this origin.
      'Content-Security-Policy': "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
      'Content-Type': head.httpMetadata?.contentType ?? (key.endsWith('.json') ? 'application/json' : 'image/jpeg'),
    });
    const ifNoneMatch = c.req.header('If-None-Match');
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === head.httpEtag || tag.trim() === '*')) {
      return new Response(null, { status: 304, headers });
    }
    const range = parseRange(c.req.header('Range') ?? null, head.size);
    if (range === 'invalid') {
      headers.set('Content-Range', `bytes */${head.size}`);
      return new Response(null, { status: 416, headers });
    }
    if (c.req.method === 'HEAD') {
      headers.set('Content-Length', String(head.size));
      return new Response(null, { status: 200, headers });
    }
    const object = await bucket.get(key, range ? { range } : {});
    if (!object) throw new AppError('NOT_FOUND', 'No such asset');
    if (range && object.range) {
      const r = object.range as { offset?: number; length?: number; suffix?: number };
      const offset = r.suffix !== undefined ? head.size - Math.min(r.suffix, head.size) : (r.offset ?? 0);
      const length = r.suffix !== undefined ? Math.min(r.suffix, head.size) : (r.length ?? head.size - offset);
      headers.set('Content-Range', `bytes ${offset}-${offset + length - 1}/${head.size}`);
      headers.set('Content-Length', String(length));
      return new Response(object.body, { status: 206, headers });
    }
    headers.set('Content-Length', String(head.size));
    return new Response(object.body, { status: 200, headers });
  });
}
