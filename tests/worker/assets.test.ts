// GET /assets/{key}: public prefixes only, content type, ETag / If-None-Match, Range, cache headers; odd keys 404.
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`http://worker.test${path}`, { headers });
const text = async (response: Response) => new TextDecoder().decode(await response.arrayBuffer());

beforeAll(async () => {
  await env.BUCKET.put('thumbnails/abc.jpg', 'JPEGDATA0123456789', { httpMetadata: { contentType: 'image/jpeg' } });
  await env.BUCKET.put('transcripts/abc.json', '{"text":"hello"}', { httpMetadata: { contentType: 'application/json' } });
  await env.BUCKET.put('audio/abc.m4a', 'private');
  await env.BUCKET.put('media/abc.mp4', 'private');
});

describe('GET /assets/{key}', () => {
  it('serves public objects with type, ETag and long cache headers', async () => {
    const response = await get('/assets/thumbnails/abc.jpg');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]+"$/);
    expect(response.headers.get('Content-Security-Policy')).toContain('sandbox');
    expect(await text(response)).toBe('JPEGDATA0123456789');
    const transcript = await get('/assets/transcripts/abc.json');
    expect(await transcript.json()).toEqual({ text: 'hello' });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = (await get('/assets/thumbnails/abc.jpg')).headers.get('ETag')!;
    const again = await get('/assets/thumbnails/abc.jpg', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(await text(again)).toBe('');
  });

  it('serves byte ranges, and 416 for unsatisfiable ones', async () => {
    const part = await get('/assets/thumbnails/abc.jpg', { Range: 'bytes=4-7' });
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe('bytes 4-7/18');
    expect(await text(part)).toBe('DATA');
    const suffix = await get('/assets/thumbnails/abc.jpg', { Range: 'bytes=-4' });
    expect(await text(suffix)).toBe('6789');
    const open = await get('/assets/thumbnails/abc.jpg', { Range: 'bytes=14-' });
    expect(await text(open)).toBe('6789');
    expect((await get('/assets/thumbnails/abc.jpg', { Range: 'bytes=50-60' })).status).toBe(416);
    // The last zero bytes: unsatisfiable, not a 500.
    const none = await get('/assets/thumbnails/abc.jpg', { Range: 'bytes=-0' });
    expect(none.status).toBe(416);
    expect(none.headers.get('Content-Range')).toBe('bytes */18');
    // Nor the last bytes of an empty object (an upstream that answered 200 with no body).
    await env.BUCKET.put('thumbnails/empty.jpg', new Uint8Array(0), { httpMetadata: { contentType: 'image/jpeg' } });
    const empty = await get('/assets/thumbnails/empty.jpg', { Range: 'bytes=-5' });
    expect(empty.status).toBe(416);
    expect(empty.headers.get('Content-Range')).toBe('bytes */0');
  });

  it.each([
    '/assets/audio/abc.m4a',
    '/assets/media/abc.mp4',
    '/assets/thumbnails/missing.jpg',
    '/assets/thumbnails/../audio/abc.m4a',
    '/assets/thumbnails/%2e%2e%2faudio%2fabc.m4a',
    '/assets/thumbnails/abc.jpg%00',
    '/assets/thumbnails/',
    '/assets/',
    '/assets/content-items/x.json',
  ])('404 for %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
