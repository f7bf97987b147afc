// Twitch Helix client over fetch: app token by client credentials (cached, refreshed on 401), user lookup, and clip
// listing by broadcaster over a date range, split into minute-aligned windows that are halved whenever one hits
// Helix's result cap, following pagination cursors. Base URLs are injected so tests and the offline demo use a
// local server.
import { z } from 'zod';
import { HelixClip } from './clip.ts';
import { defaultHttpDeps, DEFAULT_RETRY_POLICY, fetchWithRetry, HttpError, type HttpDeps, type RetryPolicy } from '../http/retry.ts';

export interface HelixConfig {
  /** e.g. https://api.twitch.tv (TWITCH_API_BASE) */
  apiBase: string;
  /** e.g. https://id.twitch.tv (TWITCH_AUTH_BASE) */
  authBase: string;
  clientId: string;
  clientSecret: string;
  /** Window size for clip listing; halved automatically when a window reaches the cap. */
  windowMs?: number;
  /** Results one Helix query can reach (about 1,000); reaching it means clips may be missing. */
  resultCap?: number;
  retry?: RetryPolicy;
}

export interface AppToken {
  accessToken: string;
  expiresAtMs: number;
}

/** Where the app token lives between calls; the worker keeps one per isolate. */
export interface TokenCache {
  get(clientId: string): AppToken | undefined;
  set(clientId: string, token: AppToken): void;
  delete(clientId: string): void;
}

export function memoryTokenCache(): TokenCache {
  const tokens = new Map<string, AppToken>();
  return {
    get: (id) => tokens.get(id),
    set: (id, token) => void tokens.set(id, token),
    delete: (id) => void tokens.delete(id),
  };
}

/** Helix returns at most about this many clips for one query, silently dropping the rest. */
export const HELIX_RESULT_CAP = 1000;
const PAGE_SIZE = 100;
const MINUTE = 60_000;
const TOKEN_MARGIN_MS = 60_000;

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });
const UsersResponse = z.object({ data: z.array(z.object({ id: z.string(), login: z.string(), display_name: z.string() }).loose()) });
const ClipsPage = z.object({
  data: z.array(z.unknown()),
  pagination: z.object({ cursor: z.string().optional() }).loose().optional(),
});

export interface InvalidClip {
  clipId: string | undefined;
  raw: unknown;
  message: string;
}

export interface ClipListing {
  clips: HelixClip[];
  invalid: InvalidClip[];
  /** Requests made, windows queried: for logs and tests. */
  requests: number;
  windows: number;
  /**
   * One-minute windows that still reached Helix's result cap (it cannot be split further): clips created in them
   * may be missing. Empty in any normal stream (it takes about a thousand clips in one minute).
   */
  truncated: Array<{ from: string; to: string }>;
}

export class HelixClient {
  private readonly config: Required<Omit<HelixConfig, 'retry'>> & { retry: RetryPolicy };
  private readonly deps: HttpDeps;
  private readonly tokens: TokenCache;
  requests = 0;

  constructor(config: HelixConfig, tokens: TokenCache = memoryTokenCache(), deps: HttpDeps = defaultHttpDeps()) {
    this.config = { windowMs: 24 * 60 * MINUTE, resultCap: HELIX_RESULT_CAP, retry: DEFAULT_RETRY_POLICY, ...config };
    this.deps = deps;
    this.tokens = tokens;
  }

  /** The app access token, from the cache while it has more than a minute left. */
  async appToken(): Promise<string> {
    const cached = this.tokens.get(this.config.clientId);
    if (cached && cached.expiresAtMs - TOKEN_MARGIN_MS > this.deps.now()) return cached.accessToken;
    const url = new URL('/oauth2/token', this.config.authBase);
    const body = new URLSearchParams({
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      grant_type: 'client_credentials',
    });
    const response = await fetchWithRetry(
      () => new Request(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      this.deps,
      this.config.retry,
    );
    this.requests++;
    if (!response.ok) {
      throw new HttpError(response.status, url.href, `Twitch token request refused (HTTP ${response.status}): check TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET`);
    }
    const token = TokenResponse.parse(await response.json());
    this.tokens.set(this.config.clientId, { accessToken: token.access_token, expiresAtMs: this.deps.now() + token.expires_in * 1000 });
    return token.access_token;
  }

  /** GET a Helix path; a 401 drops the cached token and retries once with a fresh one. */
  async get(path: string, query: URLSearchParams): Promise<unknown> {
    const url = new URL(`/helix/${path}?${query}`, this.config.apiBase);
    for (let attempt = 0; ; attempt++) {
      const token = await this.appToken();
      const response = await fetchWithRetry(
        () => new Request(url, { headers: { Authorization: `Bearer ${token}`, 'Client-Id': this.config.clientId } }),
        this.deps,
        this.config.retry,
      );
      this.requests++;
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        this.tokens.delete(this.config.clientId);
        continue;
      }
      if (!response.ok) {
        const text = (await response.text()).slice(0, 200);
        throw new HttpError(response.status, url.href, `Helix ${path} answered HTTP ${response.status}: ${text}`);
      }
      return response.json();
    }
  }

  /** Resolves logins to user ids (up to 100 per call); unknown logins are absent from the result. */
  async usersByLogin(logins: readonly string[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (let i = 0; i < logins.length; i += 100) {
      const query = new URLSearchParams();
      for (const login of logins.slice(i, i + 100)) query.append('login', login.toLowerCase());
      const { data } = UsersResponse.parse(await this.get('users', query));
      for (const user of data) ids.set(user.login.toLowerCase(), user.id);
    }
    return ids;
  }

  /**
   * Every clip of a broadcaster created in [startMs, endMs). Malformed clips are returned apart with the reason,
   * never dropped silently; clips seen in two windows are returned once.
   */
  async listClips(broadcasterId: string, startMs: number, endMs: number): Promise<ClipListing> {
    const listing: ClipListing = { clips: [], invalid: [], requests: 0, windows: 0, truncated: [] };
    const seen = new Set<string>();
    const before = this.requests;
    const pending = splitWindows(startMs, endMs, this.config.windowMs);
    while (pending.length > 0) {
      const [from, to] = pending.shift()!;
      const raw = await this.fetchWindow(broadcasterId, from, to);
      listing.windows++;
      if (raw.length >= this.config.resultCap && to - from > MINUTE) {
        // The cap was hit, so clips may be missing: query both halves instead.
        const middle = from + Math.max(MINUTE, Math.floor((to - from) / 2 / MINUTE) * MINUTE);
        pending.unshift([from, middle], [middle, to]);
        continue;
      }
      if (raw.length >= this.config.resultCap) listing.truncated.push({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      for (const candidate of raw) {
        const parsed = HelixClip.safeParse(candidate);
        const clipId = typeof (candidate as { id?: unknown })?.id === 'string' ? (candidate as { id: string }).id : undefined;
        if (!parsed.success) {
          if (clipId !== undefined && seen.has(clipId)) continue;
          // Helix answers whole minutes: one created before `startMs` or at `endMs` or later is not this listing's,
          // malformed or not.
          const created = Date.parse(String((candidate as { created_at?: unknown })?.created_at ?? ''));
          if (created < startMs || created >= endMs) continue;
          if (clipId !== undefined) seen.add(clipId);
          const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'clip'}: ${i.message}`).join('; ');
          listing.invalid.push({ clipId, raw: candidate, message });
          continue;
        }
        const created = Date.parse(parsed.data.created_at);
        if (seen.has(parsed.data.id) || created < startMs || created >= endMs) continue;
        seen.add(parsed.data.id);
        listing.clips.push(parsed.data);
      }
    }
    listing.requests = this.requests - before;
    return listing;
  }

  /** The window's clips, each once (by id, or by content when it has none), following cursors while pages bring new ones. */
  private async fetchWindow(broadcasterId: string, from: number, to: number): Promise<unknown[]> {
    const results = new Map<string, unknown>();
    // A cursor given back twice would page the same results for ever; one that changes while the page does not
    // (twitchdev/issues#1045: one character of it moves) would too, and its copies would fill the cap: a page that
    // brings no clip not seen yet ends the window.
    const cursors = new Set<string>();
    let cursor: string | undefined;
    let added: number;
    do {
      if (cursor) cursors.add(cursor);
      const query = new URLSearchParams({
        broadcaster_id: broadcasterId,
        started_at: new Date(from).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ended_at: new Date(to).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        first: String(PAGE_SIZE),
      });
      if (cursor) query.set('after', cursor);
      const page = ClipsPage.parse(await this.get('clips', query));
      const before = results.size;
      for (const clip of page.data) {
        const id = (clip as { id?: unknown })?.id;
        const key = typeof id === 'string' ? `id:${id}` : `raw:${JSON.stringify(clip)}`;
        if (!results.has(key)) results.set(key, clip);
      }
      added = results.size - before;
      cursor = page.data.length > 0 ? page.pagination?.cursor || undefined : undefined;
    } while (cursor && added > 0 && !cursors.has(cursor) && results.size < this.config.resultCap + PAGE_SIZE);
    return [...results.values()];
  }
}

/** Minute-aligned windows covering [start, end): Helix ignores seconds in started_at/ended_at. */
export function splitWindows(startMs: number, endMs: number, windowMs: number): Array<[number, number]> {
  const from = Math.floor(startMs / MINUTE) * MINUTE;
  const to = Math.ceil(endMs / MINUTE) * MINUTE;
  const size = Math.max(MINUTE, Math.floor(windowMs / MINUTE) * MINUTE);
  const windows: Array<[number, number]> = [];
  for (let t = from; t < to; t += size) windows.push([t, Math.min(t + size, to)]);
  return windows;
}
