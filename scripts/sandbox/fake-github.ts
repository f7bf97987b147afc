// A small GitHub REST stand-in over real HTTP for tests and the offline demo: commits, pulls and issues listings
// with Link-header pagination, token and GitHub App installation auth (JWTs verified with the app's public key),
// and scriptable primary/secondary rate limits. Repositories are built from normalised GitHubEvents.
import { createPublicKey, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHubEvent } from '../../content-pipeline/schemas/github-event.ts';

interface Commit { sha: string; message: string; login: string | null; date: string }
interface Pull { number: number; title: string; login: string | null; branch: string | null; created_at: string; updated_at: string; merged_at: string | null; closed_at: string | null }
interface Issue { number: number; title: string; login: string | null; created_at: string; updated_at: string; closed_at: string | null }
interface Repo { commits: Commit[]; pulls: Map<number, Pull>; issues: Map<number, Issue> }

export type GitHubFault = { kind: 'primary'; resetInSeconds: number } | { kind: 'secondary'; retryAfterSeconds: number } | { kind: 'error'; status: 500 | 502 };

export interface FakeGitHubOptions {
  token?: string;
  app?: { id: string; installationId: string; publicKeyPem: string };
  maxPerPage?: number;
}

export class FakeGitHub {
  readonly repos = new Map<string, Repo>();
  readonly log: Array<{ method: string; path: string; status: number }> = [];
  readonly faults: GitHubFault[] = [];
  private readonly installationTokens = new Set<string>();
  private readonly options: FakeGitHubOptions;
  private server: Server | undefined;
  baseUrl = '';

  constructor(options: FakeGitHubOptions = {}) {
    this.options = options;
  }

  private repo(full: string): Repo {
    let repo = this.repos.get(full.toLowerCase());
    if (!repo) this.repos.set(full.toLowerCase(), (repo = { commits: [], pulls: new Map(), issues: new Map() }));
    return repo;
  }

  /** Adds the history the events describe (commits, PR and issue lifecycles) to the fake repositories. */
  addEvents(events: readonly GitHubEvent[]): this {
    for (const e of events) {
      const repo = this.repo(e.repo);
      if (e.type === 'push' && e.sha) repo.commits.push({ sha: e.sha, message: e.message ?? e.title ?? '', login: e.actor, date: e.occurred_at });
      if (e.type === 'pull_request' && e.number !== null) {
        const pr = repo.pulls.get(e.number) ?? { number: e.number, title: e.title ?? '', login: e.actor, branch: e.branch, created_at: e.occurred_at, updated_at: e.occurred_at, merged_at: null, closed_at: null };
        if (e.action === 'opened') pr.created_at = e.occurred_at;
        if (e.action === 'merged') pr.merged_at = pr.closed_at = e.occurred_at;
        if (e.action === 'closed') pr.closed_at = e.occurred_at;
        if (e.action !== 'opened' && Date.parse(pr.created_at) > Date.parse(e.occurred_at) - 3_600_000) pr.created_at = new Date(Date.parse(e.occurred_at) - 86_400_000).toISOString();
        pr.updated_at = [pr.updated_at, e.occurred_at].sort().at(-1)!;
        repo.pulls.set(e.number, pr);
      }
      if (e.type === 'issues' && e.number !== null) {
        const issue = repo.issues.get(e.number) ?? { number: e.number, title: e.title ?? '', login: e.actor, created_at: e.occurred_at, updated_at: e.occurred_at, closed_at: null };
        if (e.action === 'opened') issue.created_at = e.occurred_at;
        if (e.action === 'closed') {
          issue.closed_at = e.occurred_at;
          if (Date.parse(issue.created_at) >= Date.parse(e.occurred_at)) issue.created_at = new Date(Date.parse(e.occurred_at) - 86_400_000).toISOString();
        }
        issue.updated_at = [issue.updated_at, e.occurred_at].sort().at(-1)!;
        repo.issues.set(e.number, issue);
      }
    }
    return this;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res).catch((error) => this.json(req, res, 500, { message: String(error) })));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private json(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    this.log.push({ method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, status });
    res.writeHead(status, { 'Content-Type': 'application/json', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', ...headers });
    res.end(JSON.stringify(body));
  }

  private verifyAppJwt(authorization: string | undefined): boolean {
    const app = this.options.app;
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!app || !token) return false;
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return false;
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${header}.${payload}`);
    if (!verifier.verify(createPublicKey(app.publicKeyPem), Buffer.from(signature, 'base64url'))) return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string | number; exp?: number };
    return String(claims.iss) === app.id && (claims.exp ?? 0) * 1000 > Date.now();
  }

  private authorized(req: IncomingMessage): boolean {
    const token = /^(?:token|Bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return token !== undefined && (token === this.options.token || this.installationTokens.has(token));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/__control/')) {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      if (url.pathname === '/__control/faults') this.faults.push(...(JSON.parse(raw) as GitHubFault[]));
      if (url.pathname === '/__control/reset') (this.log.length = 0), (this.faults.length = 0);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ log: this.log }));
      return;
    }
    const install = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (install && req.method === 'POST') {
      if (!this.verifyAppJwt(req.headers.authorization) || install[1] !== this.options.app?.installationId) {
        return this.json(req, res, 401, { message: 'A JSON web token could not be decoded' });
      }
      const token = `ghs_fake_${this.installationTokens.size + 1}`;
      this.installationTokens.add(token);
      return this.json(req, res, 201, { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { contents: 'read' } });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'primary') {
      return this.json(req, res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + fault.resetInSeconds) });
    }
    if (fault?.kind === 'secondary') {
      return this.json(req, res, 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'error') return this.json(req, res, fault.status, { message: 'scripted failure' });
    if (!this.authorized(req)) return this.json(req, res, 401, { message: 'Bad credentials' });

    const m = /^\/repos\/([^/]+)\/([^/]+)\/(commits|pulls|issues)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return this.json(req, res, 404, { message: 'Not Found' });
    const full = `${m[1]}/${m[2]}`;
    const repo = this.repos.get(full.toLowerCase());
    if (!repo) return this.json(req, res, 404, { message: 'Not Found' });
    const items = this.list(full, repo, m[3] as 'commits' | 'pulls' | 'issues', url.searchParams);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.options.maxPerPage ?? 100);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(req.url ?? '/', this.baseUrl);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    return this.json(req, res, 200, slice, headers);
  }

  private list(full: string, repo: Repo, kind: 'commits' | 'pulls' | 'issues', q: URLSearchParams): unknown[] {
    const since = q.get('since') ? Date.parse(q.get('since')!) : -Infinity;
    const until = q.get('until') ? Date.parse(q.get('until')!) : Infinity;
    const html = `https://github.com/${full}`;
    if (kind === 'commits') {
      return repo.commits
        .filter((c) => Date.parse(c.date) >= since && Date.parse(c.date) <= until)
        .sort((a, b) => b.date.localeCompare(a.date))
        .map((c) => ({ sha: c.sha, html_url: `${html}/commit/${c.sha}`, author: c.login ? { login: c.login } : null, commit: { message: c.message, author: { name: c.login, date: c.date }, committer: { date: c.date } } }));
    }
    if (kind === 'pulls') {
      return [...repo.pulls.values()]
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
        .map((p) => ({ number: p.number, title: p.title, body: null, html_url: `${html}/pull/${p.number}`, user: p.login ? { login: p.login } : null, head: { ref: p.branch ?? 'main' }, state: p.closed_at ? 'closed' : 'open', created_at: p.created_at, updated_at: p.updated_at, merged_at: p.merged_at, closed_at: p.closed_at }));
    }
    const issues = [...repo.issues.values()]
      .filter((i) => Date.parse(i.updated_at) >= since)
      .map((i) => ({ number: i.number, title: i.title, html_url: `${html}/issues/${i.number}`, user: i.login ? { login: i.login } : null, state: i.closed_at ? 'closed' : 'open', created_at: i.created_at, updated_at: i.updated_at, closed_at: i.closed_at }));
    // The issues API lists pull requests too, marked with a pull_request key.
    const pulls = [...repo.pulls.values()]
      .filter((p) => Date.parse(p.updated_at) >= since)
      .map((p) => ({ number: p.number, title: p.title, html_url: `${html}/pull/${p.number}`, user: p.login ? { login: p.login } : null, state: 'open', created_at: p.created_at, updated_at: p.updated_at, closed_at: p.closed_at, pull_request: { url: `${html}/pull/${p.number}` } }));
    return [...issues, ...pulls].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  }
}
