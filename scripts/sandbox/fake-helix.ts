// A small Twitch stand-in over real HTTP: the OAuth token endpoint and the Helix routes the pipeline calls
// (users, clips with pagination and the ~1,000 result cap, clip downloads). Faults can be scripted, so tests
// and the offline demo exercise the production client unchanged. Not for production.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  id: string;
  login: string;
  display_name: string;
}

export type Fault = { status: 429; resetInSeconds: number } | { status: 500 | 502 | 503 } | { status: 400 | 401 | 404 };

export interface FakeHelixOptions {
  clientId?: string;
  clientSecret?: string;
  users?: FakeUser[];
  clips?: Array<Record<string, unknown>>;
  /** Results one query can reach before the rest are dropped (Helix: about 1,000). */
  resultCap?: number;
  /** Token lifetime handed out, seconds. */
  tokenTtlSeconds?: number;
  /** A user access token with the editor scope, accepted by /helix/clips/downloads (app tokens are not). */
  userToken?: string;
  /** Largest page served, whatever `first` asks (Helix: 100); smaller values force pagination in small tests. */
  maxPageSize?: number;
  /** Clip MP4 bodies by clip id, served at /media/{clip_id}.mp4 (absent ids answer 404). */
  media?: Map<string, Uint8Array>;
}

export interface HelixLogEntry {
  method: string;
  path: string;
  query: Record<string, string[]>;
  status: number;
}

/** A 480×270 gradient whose hues come from the clip id: distinct, deterministic, no text. */
export function thumbnailSvg(clipId: string): Uint8Array {
  let h = 0;
  for (const ch of clipId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const a = h % 360;
  const b = (a + 60) % 360;
  return new TextEncoder().encode(
    `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${a},70%,45%)"/><stop offset="1" stop-color="hsl(${b},70%,25%)"/></linearGradient></defs><rect width="480" height="270" fill="url(#g)"/><circle cx="240" cy="135" r="${40 + (h % 30)}" fill="hsl(${b},80%,70%)" opacity="0.35"/></svg>`,
  );
}

export class FakeHelix {
  readonly options: Required<FakeHelixOptions>;
  readonly log: HelixLogEntry[] = [];
  /** Faults answered, in order, to the next requests on /helix/*. */
  readonly faults: Fault[] = [];
  private readonly validTokens = new Set<string>();
  private tokenCount = 0;
  private server: Server | undefined;
  baseUrl = '';

  constructor(options: FakeHelixOptions = {}) {
    this.options = {
      clientId: 'fake-client-id',
      clientSecret: 'fake-client-secret',
      users: [],
      clips: [],
      resultCap: 1000,
      tokenTtlSeconds: 3600,
      media: new Map(),
      maxPageSize: 100,
      userToken: 'fake-user-token',
      ...options,
    };
  }

  /** Invalidates every issued token, as when Twitch expires or revokes them early. */
  expireTokens(): void {
    this.validTokens.clear();
  }

  get tokensIssued(): number {
    return this.tokenCount;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res).catch((error) => this.send(res, 500, { error: String(error) }, req)));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown, req: IncomingMessage, headers: Record<string, string> = {}) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    this.log.push({ method: req.method ?? 'GET', path: url.pathname, query, status });
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
        return this.send(res, 403, { status: 403, message: 'invalid client secret' }, req);
      }
      const token = `fake-token-${++this.tokenCount}`;
      this.validTokens.add(token);
      return this.send(res, 200, { access_token: token, expires_in: this.options.tokenTtlSeconds, token_type: 'bearer' }, req);
    }
    if (url.pathname.startsWith('/__control/')) return this.control(url.pathname, req, res);
    const asset = /^\/(media|thumbnails)\/([A-Za-z0-9_-]+)\.(mp4|jpg)$/.exec(url.pathname);
    if (asset) return this.serveAsset(asset[1] as 'media' | 'thumbnails', asset[2]!, req, res);
    if (!url.pathname.startsWith('/helix/')) return this.send(res, 404, { message: 'not found' }, req);

    const fault = this.faults.shift();
    if (fault?.status === 429) {
      const reset = Math.ceil(Date.now() / 1000) + fault.resetInSeconds;
      return this.send(res, 429, { message: 'Too Many Requests' }, req, { 'Ratelimit-Limit': '800', 'Ratelimit-Remaining': '0', 'Ratelimit-Reset': String(reset) });
    }
    if (fault) return this.send(res, fault.status, { message: 'scripted fault' }, req);

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (url.pathname === '/helix/clips/downloads') return this.downloads(url, token, req, res);
    if (!token || !this.validTokens.has(token) || req.headers['client-id'] !== this.options.clientId) {
      return this.send(res, 401, { status: 401, message: 'Invalid OAuth token' }, req);
    }

    if (url.pathname === '/helix/users') {
      const logins = url.searchParams.getAll('login').map((l) => l.toLowerCase());
      return this.send(res, 200, { data: this.options.users.filter((u) => logins.includes(u.login.toLowerCase())) }, req);
    }
    if (url.pathname === '/helix/clips') return this.clips(url, req, res);
    return this.send(res, 404, { message: 'not found' }, req);
  }

  /** Test control over HTTP, for callers in another runtime (workerd tests, the demo driver). */
  private async control(path: string, req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (path === '/__control/faults' && req.method === 'POST') {
      this.faults.push(...(JSON.parse(raw) as Fault[]));
      return this.send(res, 200, { queued_faults: this.faults.length }, req);
    }
    if (path === '/__control/expire-tokens' && req.method === 'POST') {
      this.expireTokens();
      return this.send(res, 200, { ok: true }, req);
    }
    if (path === '/__control/log') return this.send(res, 200, { log: this.log.filter((e) => !e.path.startsWith('/__control/')), tokens_issued: this.tokenCount }, req);
    if (path === '/__control/reset' && req.method === 'POST') {
      this.log.length = 0;
      this.faults.length = 0;
      return this.send(res, 200, { ok: true }, req);
    }
    return this.send(res, 404, { message: 'unknown control' }, req);
  }

  /** Clip media and thumbnails, as Twitch's CDN would serve them. Thumbnails are small SVG pictures per clip. */
  private serveAsset(kind: 'media' | 'thumbnails', clipId: string, req: IncomingMessage, res: ServerResponse) {
    const body = kind === 'media' ? this.options.media.get(clipId) : thumbnailSvg(clipId);
    this.log.push({ method: req.method ?? 'GET', path: `/${kind}/${clipId}`, query: {}, status: body ? 200 : 404 });
    if (!body) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('no such clip media');
      return;
    }
    res.writeHead(200, { 'Content-Type': kind === 'media' ? 'video/mp4' : 'image/svg+xml', 'Content-Length': String(body.byteLength) });
    res.end(body);
  }

  /** Helix clip downloads: a user token with the editor scope, the editor's id, and the clip's broadcaster. */
  private downloads(url: URL, token: string | undefined, req: IncomingMessage, res: ServerResponse) {
    if (token !== this.options.userToken || req.headers['client-id'] !== this.options.clientId) {
      return this.send(res, 401, { status: 401, message: 'Missing scope: editor:manage:clips or channel:manage:clips' }, req);
    }
    if (!url.searchParams.get('editor_id') || !url.searchParams.get('broadcaster_id')) return this.send(res, 400, { message: 'Missing editor_id or broadcaster_id' }, req);
    const base = `http://${req.headers.host}`;
    const data = url.searchParams.getAll('clip_id').map((id) => ({
      clip_id: id,
      landscape_download_url: this.options.media.has(id) ? `${base}/media/${id}.mp4` : null,
      portrait_download_url: null,
    }));
    return this.send(res, 200, { data }, req);
  }

  private clips(url: URL, req: IncomingMessage, res: ServerResponse) {
    const broadcaster = url.searchParams.get('broadcaster_id');
    const startedAt = url.searchParams.get('started_at');
    const endedAt = url.searchParams.get('ended_at');
    const first = Math.min(this.options.maxPageSize, Number(url.searchParams.get('first') ?? 20));
    const offset = Number(url.searchParams.get('after') ? Buffer.from(url.searchParams.get('after')!, 'base64url').toString() : 0);
    // Helix ignores seconds in the range and sorts by views; past the cap, results are dropped.
    const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000) * 60_000;
    const from = startedAt ? minute(startedAt) : -Infinity;
    const to = endedAt ? minute(endedAt) : Infinity;
    const matching = this.options.clips
      .filter((c) => c.broadcaster_id === broadcaster)
      .filter((c) => {
        const t = Date.parse(String(c.created_at));
        return Number.isNaN(t) || (t >= from && t < to);
      })
      .sort((a, b) => Number(b.view_count ?? 0) - Number(a.view_count ?? 0))
      .slice(0, this.options.resultCap);
    const page = matching.slice(offset, offset + first);
    const next = offset + first < matching.length ? Buffer.from(String(offset + first)).toString('base64url') : undefined;
    return this.send(res, 200, { data: page, pagination: next ? { cursor: next } : {} }, req);
  }
}
