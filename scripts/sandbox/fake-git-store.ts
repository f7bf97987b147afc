// The in-memory git object database behind the fake GitHub's Git Data API: blobs, trees and commits hashed exactly
// as git hashes them (so identical content gives identical SHAs, as on GitHub), refs with the fast-forward rule, and
// a three-way merge for the pull request merge endpoint. Node only; no HTTP here.
import { createHash } from 'node:crypto';

export interface Person { name: string; email: string; date: string }
interface TreeItem { name: string; mode: string; type: 'blob' | 'tree'; sha: string }
interface CommitObject { tree: string; parents: string[]; message: string; author: Person; committer: Person; verified: boolean }
type GitObject = { type: 'blob'; data: Buffer } | { type: 'tree'; items: TreeItem[] } | { type: 'commit'; commit: CommitObject };

/** A flat tree: full path → blob mode and SHA. */
export type FlatTree = Map<string, { mode: string; sha: string }>;
export interface TreeEntryInput { path: string; mode: string; type: string; sha?: string | null; content?: string }

/** A client mistake GitHub answers with a 4xx status (422 unless told). */
export class GitError extends Error {
  readonly status: number;
  constructor(message: string, status = 422) {
    super(message);
    this.status = status;
  }
}

const BLOB_MODES = new Set(['100644', '100755']);
// git orders tree entries by name, comparing a subtree's name as if it ended in '/'.
const sortKey = (item: TreeItem) => (item.type === 'tree' ? `${item.name}/` : item.name);
const signature = (p: Person) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;

export class GitStore {
  readonly objects = new Map<string, GitObject>();
  /** `heads/main` → commit SHA. */
  readonly refs = new Map<string, string>();

  private put(type: GitObject['type'], body: Buffer, object: GitObject): string {
    const sha = createHash('sha1').update(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])).digest('hex');
    this.objects.set(sha, object);
    return sha;
  }

  private get<T extends GitObject['type']>(sha: string, type: T): Extract<GitObject, { type: T }> {
    const object = this.objects.get(sha);
    if (!object || object.type !== type) throw new GitError(`${type} ${sha} does not exist`, 404);
    return object as Extract<GitObject, { type: T }>;
  }

  createBlob(content: string, encoding: string = 'utf-8'): string {
    if (encoding !== 'utf-8' && encoding !== 'base64') throw new GitError(`unsupported encoding ${encoding}`);
    const data = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8');
    return this.put('blob', data, { type: 'blob', data });
  }

  blob(sha: string): Buffer {
    return this.get(sha, 'blob').data;
  }

  private writeTree(items: TreeItem[]): string {
    const sorted = [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    const body = Buffer.concat(sorted.map((i) => Buffer.concat([Buffer.from(`${i.type === 'tree' ? '40000' : i.mode} ${i.name}\0`), Buffer.from(i.sha, 'hex')])));
    return this.put('tree', body, { type: 'tree', items: sorted });
  }

  /** Builds nested tree objects from a flat path map and returns the root tree SHA. */
  writeFlatTree(flat: FlatTree): string {
    const build = (prefix: string): string => {
      const items: TreeItem[] = [];
      const dirs = new Set<string>();
      for (const [path, entry] of flat) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash === -1) items.push({ name: rest, mode: entry.mode, type: 'blob', sha: entry.sha });
        else dirs.add(rest.slice(0, slash));
      }
      for (const dir of dirs) items.push({ name: dir, mode: '040000', type: 'tree', sha: build(`${prefix}${dir}/`) });
      return this.writeTree(items);
    };
    return build('');
  }

  /** Accepts a tree SHA or, as GitHub does, a commit SHA standing for its tree. */
  treeOf(sha: string): string {
    const object = this.objects.get(sha);
    if (object?.type === 'commit') return object.commit.tree;
    this.get(sha, 'tree');
    return sha;
  }

  /** Every entry under a tree with full paths, subtrees included, in git order (as `?recursive=1` lists them). */
  listTree(treeSha: string, recursive: boolean, prefix = ''): Array<{ path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number }> {
    return this.get(treeSha, 'tree').items.flatMap((item) => {
      const path = `${prefix}${item.name}`;
      if (item.type === 'blob') return [{ path, mode: item.mode, type: item.type, sha: item.sha, size: this.blob(item.sha).length }];
      return [{ path, mode: item.mode, type: item.type, sha: item.sha }, ...(recursive ? this.listTree(item.sha, true, `${path}/`) : [])];
    });
  }

  flatten(treeSha: string): FlatTree {
    return new Map(this.listTree(treeSha, true).filter((e) => e.type === 'blob').map((e) => [e.path, { mode: e.mode, sha: e.sha }]));
  }

  /** POST git/trees: entries on top of an optional base tree; `sha: null` deletes a path. */
  createTree(baseTree: string | undefined, entries: TreeEntryInput[]): string {
    const flat: FlatTree = baseTree ? this.flatten(this.treeOf(baseTree)) : new Map();
    for (const entry of entries) {
      const path = entry.path;
      if (!path || path.startsWith('/') || path.endsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..')) throw new GitError(`tree.path ${JSON.stringify(path)} is invalid`);
      if (entry.type !== 'blob' || !BLOB_MODES.has(entry.mode)) throw new GitError('only blob entries with mode 100644 or 100755 are supported here');
      if (entry.sha === null) {
        flat.delete(path);
        continue;
      }
      const sha = entry.content !== undefined ? this.createBlob(entry.content) : entry.sha;
      if (!sha || this.objects.get(sha)?.type !== 'blob') throw new GitError(`tree.sha ${sha} is not a valid blob`);
      for (const other of flat.keys()) if (other.startsWith(`${path}/`)) flat.delete(other);
      flat.set(path, { mode: entry.mode, sha });
    }
    return this.writeFlatTree(flat);
  }

  createCommit(input: { message: string; tree: string; parents: string[]; author: Person; committer?: Person; verified?: boolean }): string {
    this.get(input.tree, 'tree');
    for (const parent of input.parents) this.get(parent, 'commit');
    const commit: CommitObject = { tree: input.tree, parents: input.parents, message: input.message, author: input.author, committer: input.committer ?? input.author, verified: input.verified ?? false };
    const text = [`tree ${commit.tree}`, ...commit.parents.map((p) => `parent ${p}`), `author ${signature(commit.author)}`, `committer ${signature(commit.committer)}`, '', commit.message].join('\n');
    return this.put('commit', Buffer.from(text), { type: 'commit', commit });
  }

  commit(sha: string): CommitObject {
    return this.get(sha, 'commit').commit;
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.commit(next).parents);
    }
    return seen;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.ancestors(descendant).has(ancestor);
  }

  /** PATCH git/refs: a fast-forward unless forced. */
  updateRef(ref: string, sha: string, force: boolean): void {
    const old = this.refs.get(ref);
    if (!old) throw new GitError('Reference does not exist');
    this.commit(sha);
    if (!force && !this.isAncestor(old, sha)) throw new GitError('Update is not a fast forward');
    this.refs.set(ref, sha);
  }

  createRef(ref: string, sha: string): void {
    if (this.refs.has(ref)) throw new GitError('Reference already exists');
    this.commit(sha);
    this.refs.set(ref, sha);
  }

  /** The tree of merging `theirs` into `ours`, or null on a conflict (GitHub then answers 405). */
  mergeTree(ours: string, theirs: string): string | null {
    const oursAncestors = this.ancestors(ours);
    const queue = [theirs];
    let base: string | undefined;
    const seen = new Set<string>();
    while (queue.length && !base) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      if (oursAncestors.has(next)) base = next;
      else queue.push(...this.commit(next).parents);
    }
    const flat = (sha: string | undefined): FlatTree => (sha ? this.flatten(this.commit(sha).tree) : new Map());
    const [b, o, t] = [flat(base), flat(ours), flat(theirs)];
    const merged: FlatTree = new Map();
    const same = (x?: { mode: string; sha: string }, y?: { mode: string; sha: string }) => x?.sha === y?.sha && x?.mode === y?.mode;
    for (const path of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
      const [bv, ov, tv] = [b.get(path), o.get(path), t.get(path)];
      const result = same(ov, tv) || same(bv, tv) ? ov : same(bv, ov) ? tv : null;
      if (result === null) return null;
      if (result) merged.set(path, result);
    }
    return this.writeFlatTree(merged);
  }
}
