// A small GitHub REST stand-in over real HTTP for tests and the offline demo: the repository (its default branch),
// commits (the default branch's, or a commit's history with ?sha=), pulls, a pull request's commits (250 at most),
// issues and activity (pushes) listings with Link-header pagination, token and GitHub App installation auth (JWTs
// verified with the app's public key), and scriptable primary/secondary rate limits. Repositories are built from
// normalised GitHubEvents; a repository seeded with initRepository also answers the Git Data API (refs, blobs,
// trees, commits; fake-git-store.ts) and the pull request writes a publisher makes (create, update, labels,
// reviewers, merge). Records and their JSON: fake-github-records.ts.
import { createPublicKey, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHubEvent } from '../../content-pipeline/schemas/github-event.ts';
import { commitJson, listJson, pullCommits, pullCommitsJson, pullJson, type Listing, type Pull, type Repo } from './fake-github-records.ts';
import { GitError, GitStore, type Person, type TreeEntryInput } from './fake-git-store.ts';

type Reply = [status: number, body: unknown];
/** A parsed JSON request body (the fake checks the fields it uses). */
type Body = Record<string, any>;

const SEED_AUTHOR = { name: 'Fake Seed', email: 'seed@example.invalid', date: '2026-01-01T00:00:00Z' };
const notFound: Reply = [404, { message: 'Not Found' }];

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
    if (!repo) this.repos.set(full.toLowerCase(), (repo = { commits: [], pulls: new Map(), issues: new Map(), git: new GitStore() }));
    return repo;
  }

  /** Seeds `fullName` with one commit holding `files` on `baseBranch`; returns the commit SHA. */
  initRepository(fullName: string, baseBranch: string, files: Record<string, string>): string {
    const git = this.repo(fullName).git;
    const tree = git.writeFlatTree(new Map(Object.entries(files).map(([path, content]) => [path, { mode: '100644', sha: git.createBlob(content) }])));
    const sha = git.createCommit({ message: 'Initial commit', tree, parents: [], author: SEED_AUTHOR });
    git.refs.set(`heads/${baseBranch}`, sha);
    return sha;
  }

  /** The files (path → UTF-8 text) at the head of `branch`, for assertions. */
  files(fullName: string, branch: string): Record<string, string> {
    const git = this.repo(fullName).git;
    const head = git.refs.get(`heads/${branch}`);
    if (!head) throw new Error(`${fullName} has no branch ${branch}`);
    return Object.fromEntries([...git.flatten(git.commit(head).tree)].map(([path, { sha }]) => [path, git.blob(sha).toString('utf8')]));
  }

  /** Adds the history the events describe (commits, PR and issue lifecycles) to the fake repositories. */
  addEvents(events: readonly GitHubEvent[]): this {
    for (const e of events) {
      const repo = this.repo(e.repo);
      if (e.type === 'push' && e.sha) repo.commits.push({ sha: e.sha, message: e.message ?? e.title ?? '', login: e.actor, date: e.occurred_at, branch: e.branch });
      if (e.type === 'pull_request' && e.number !== null) {
        const pr: Pull = repo.pulls.get(e.number) ?? { number: e.number, title: e.title ?? '', body: null, login: e.actor, branch: e.branch, base: 'main', created_at: e.occurred_at, updated_at: e.occurred_at, merged_at: null, closed_at: null, labels: [], reviewers: [], merge_commit_sha: null };
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
    // A push to a pull request's branch updates the pull request, as on GitHub (a closed one no longer follows it).
    for (const repo of this.repos.values()) {
      for (const pr of repo.pulls.values()) {
        for (const c of pullCommits(repo, pr)) if (c.date > pr.updated_at) pr.updated_at = c.date;
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
    this.log.push({ method: req.method ?? 'GET', path: decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname), status });
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

  /** Who the request authenticates as: a personal token, a GitHub App installation, or nobody. */
  private caller(req: IncomingMessage): 'token' | 'app' | null {
    const token = /^(?:token|Bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return null;
    return token === this.options.token ? 'token' : this.installationTokens.has(token) ? 'app' : null;
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
      return this.json(req, res, 201, { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { contents: 'write', pull_requests: 'write', issues: 'write' } });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'primary') {
      return this.json(req, res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + fault.resetInSeconds) });
    }
    if (fault?.kind === 'secondary') {
      return this.json(req, res, 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'error') return this.json(req, res, fault.status, { message: 'scripted failure' });
    const caller = this.caller(req);
    if (!caller) return this.json(req, res, 401, { message: 'Bad credentials' });

    const repoOnly = req.method === 'GET' ? /^\/repos\/([^/]+)\/([^/]+)$/.exec(decodeURIComponent(url.pathname)) : null;
    if (repoOnly) {
      const full = `${repoOnly[1]}/${repoOnly[2]}`;
      if (!this.repos.has(full.toLowerCase())) return this.json(req, res, ...notFound);
      return this.json(req, res, 200, { full_name: full, name: repoOnly[2], default_branch: 'main', private: false, html_url: `https://github.com/${full}` });
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(decodeURIComponent(url.pathname));
    const repo = m && this.repos.get(`${m[1]}/${m[2]}`.toLowerCase());
    if (!m || !repo) return this.json(req, res, ...notFound);
    const full = `${m[1]}/${m[2]}`;
    const pullCommitsOf = req.method === 'GET' ? /^pulls\/(\d+)\/commits$/.exec(m[3]!) : null;
    if (!pullCommitsOf && (req.method !== 'GET' || !/^(commits|pulls|issues|activity)$/.test(m[3]!))) {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      let body: Body;
      try {
        body = raw ? (JSON.parse(raw) as Body) : {};
      } catch {
        return this.json(req, res, 400, { message: 'Problems parsing JSON' });
      }
      try {
        return this.json(req, res, ...this.route(req.method ?? 'GET', full, repo, m[3]!, url.searchParams, body, caller));
      } catch (error) {
        if (error instanceof GitError) return this.json(req, res, error.status, { message: error.message });
        throw error;
      }
    }
    const pull = pullCommitsOf ? repo.pulls.get(Number(pullCommitsOf[1])) : undefined;
    if (pullCommitsOf && !pull) return this.json(req, res, ...notFound);
    const items = pull ? pullCommitsJson(full, repo, pull) : listJson(full, repo, m[3] as Listing, url.searchParams);
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

  /** Git Data and pull request endpoints under /repos/{owner}/{repo}/. Throws GitError for 4xx answers. */
  private route(method: string, full: string, repo: Repo, rest: string, q: URLSearchParams, body: Body, caller: 'token' | 'app'): Reply {
    const git = repo.git;
    const now = new Date().toISOString();
    // Who GitHub records when the request names no author: the token's user, or the App's bot (commits then verified).
    const identity: Person = caller === 'app' ? { name: 'clip-recap[bot]', email: 'clip-recap[bot]@users.noreply.github.com', date: now } : { name: 'fake-user', email: 'fake-user@users.noreply.github.com', date: now };
    const refJson = (ref: string) => ({ ref: `refs/${ref}`, object: { type: 'commit', sha: git.refs.get(ref) } });
    const r = (pattern: string, verb: string) => (method === verb ? new RegExp(`^${pattern}$`).exec(rest) : null);
    let m: RegExpExecArray | null;

    if ((m = r('git/ref/(.+)', 'GET'))) return git.refs.has(m[1]!) ? [200, refJson(m[1]!)] : notFound;
    if (r('git/refs', 'POST')) {
      if (typeof body.ref !== 'string' || !body.ref.startsWith('refs/') || body.ref.split('/').length < 3) throw new GitError('Reference name must start with refs/ and have at least two slashes');
      git.createRef(body.ref.slice('refs/'.length), String(body.sha));
      return [201, refJson(body.ref.slice('refs/'.length))];
    }
    if ((m = r('git/refs/(.+)', 'PATCH'))) {
      git.updateRef(m[1]!, String(body.sha), body.force === true);
      return [200, refJson(m[1]!)];
    }
    if (r('git/blobs', 'POST')) {
      if (typeof body.content !== 'string') throw new GitError('content is required');
      const sha = git.createBlob(body.content, body.encoding ?? 'utf-8');
      return [201, { sha, url: `/repos/${full}/git/blobs/${sha}` }];
    }
    if ((m = r('git/blobs/([0-9a-f]{40})', 'GET'))) {
      const data = git.blob(m[1]!);
      return [200, { sha: m[1], size: data.length, encoding: 'base64', content: data.toString('base64') }];
    }
    if (r('git/trees', 'POST')) {
      if (!Array.isArray(body.tree)) throw new GitError('tree is required');
      const sha = git.createTree(body.base_tree, body.tree as TreeEntryInput[]);
      return [201, { sha, tree: git.listTree(sha, false), truncated: false }];
    }
    if ((m = r('git/trees/([0-9a-f]{40})', 'GET'))) {
      const sha = git.treeOf(m[1]!);
      return [200, { sha, tree: git.listTree(sha, q.has('recursive')), truncated: false }];
    }
    if (r('git/commits', 'POST')) {
      const person = (p: Body | undefined) => (p ? { name: String(p.name), email: String(p.email), date: p.date ?? now } : undefined);
      const author = person(body.author) ?? identity;
      const sha = git.createCommit({ message: String(body.message), tree: String(body.tree), parents: (body.parents ?? []) as string[], author, committer: person(body.committer) ?? (body.author ? author : identity), verified: caller === 'app' && !body.author && !body.committer });
      return [201, commitJson(full, git, sha)];
    }
    if ((m = r('git/commits/([0-9a-f]{40})', 'GET'))) return [200, commitJson(full, git, m[1]!)];

    const pull = (n: string | undefined) => {
      const pr = repo.pulls.get(Number(n));
      if (!pr) throw new GitError('Not Found', 404);
      return pr;
    };
    if (r('pulls', 'POST')) {
      const head = String(body.head ?? '').replace(/^[^:]+:/, '');
      const base = String(body.base ?? '');
      if (!body.title || !git.refs.has(`heads/${head}`) || !git.refs.has(`heads/${base}`)) throw new GitError('Validation Failed: title, head and base must exist');
      if ([...repo.pulls.values()].some((p) => p.branch === head && p.base === base && !p.closed_at)) throw new GitError(`A pull request already exists for ${full.split('/')[0]}:${head}.`);
      const number = Math.max(0, ...repo.pulls.keys(), ...repo.issues.keys()) + 1;
      const pr: Pull = { number, title: String(body.title), body: body.body ?? null, login: identity.name, branch: head, base, created_at: now, updated_at: now, merged_at: null, closed_at: null, labels: [], reviewers: [], merge_commit_sha: null };
      repo.pulls.set(number, pr);
      return [201, pullJson(full, repo, pr)];
    }
    if ((m = r('pulls/(\\d+)', 'GET'))) return [200, pullJson(full, repo, pull(m[1]))];
    if ((m = r('pulls/(\\d+)', 'PATCH'))) {
      const pr = pull(m[1]);
      if (typeof body.title === 'string') pr.title = body.title;
      if (typeof body.body === 'string') pr.body = body.body;
      if (typeof body.base === 'string') pr.base = body.base;
      if (body.state === 'closed' && !pr.closed_at) Object.assign(pr, { closed_at: now, closed_head_sha: git.refs.get(`heads/${pr.branch}`) ?? null });
      if (body.state === 'open' && !pr.merged_at) Object.assign(pr, { closed_at: null, closed_head_sha: null });
      pr.updated_at = now;
      return [200, pullJson(full, repo, pr)];
    }
    if ((m = r('issues/(\\d+)/labels', 'POST'))) {
      const pr = pull(m[1]);
      pr.labels = [...new Set([...pr.labels, ...((body.labels ?? []) as string[])])];
      return [200, pr.labels.map((name) => ({ name }))];
    }
    if ((m = r('pulls/(\\d+)/requested_reviewers', 'POST'))) {
      const pr = pull(m[1]);
      pr.reviewers = [...new Set([...pr.reviewers, ...((body.reviewers ?? []) as string[])])];
      return [201, pullJson(full, repo, pr)];
    }
    if ((m = r('pulls/(\\d+)/merge', 'PUT'))) {
      const pr = pull(m[1]);
      const head = git.refs.get(`heads/${pr.branch}`);
      const base = git.refs.get(`heads/${pr.base}`);
      if (pr.closed_at || !head || !base) return [405, { message: 'Pull Request is not mergeable' }];
      if (body.sha && body.sha !== head) return [409, { message: 'Head branch was modified. Review and try the merge again.' }];
      if ((body.merge_method ?? 'merge') !== 'merge') throw new GitError('the fake only does merge commits');
      const tree = git.isAncestor(base, head) ? git.commit(head).tree : git.mergeTree(base, head);
      if (!tree) return [405, { message: 'Pull Request is not mergeable' }];
      const message = `${body.commit_title ?? `Merge pull request #${pr.number} from ${full.split('/')[0]}/${pr.branch}`}\n\n${body.commit_message ?? pr.title}`;
      const sha = git.createCommit({ message, tree, parents: [base, head], author: identity, verified: caller === 'app' });
      git.updateRef(`heads/${pr.base}`, sha, false);
      Object.assign(pr, { merged_at: now, closed_at: now, updated_at: now, merge_commit_sha: sha, closed_head_sha: head });
      return [200, { sha, merged: true, message: 'Pull Request successfully merged' }];
    }
    return notFound;
  }
}
