// The Publisher port: delivers generated recap files for review. Adapters: a GitHub pull request (Git Data API,
// one commit for all files, one fixed branch per recap), a local git repository, and a dry run.
export interface RecapFile {
  /** Repository-relative path; publishers refuse anything outside their content root. */
  path: string;
  content: string;
}

export interface PublishRequest {
  /** One fixed branch per recap, e.g. `recap/daily/2026-01-05`: a re-run updates it instead of opening another PR. */
  branch: string;
  /** Pull request title and commit subject. */
  title: string;
  /** Pull request body (Markdown) for the reviewer. */
  body: string;
  files: RecapFile[];
  labels?: string[];
  reviewers?: string[];
}

export interface PublishResult {
  /** `unchanged`: the branch already holds exactly these files; nothing was written. */
  outcome: 'created' | 'updated' | 'unchanged';
  branch: string;
  /** The commit holding the files (new when created/updated, the existing head when unchanged). */
  commit_sha?: string;
  pr_number?: number;
  pr_url?: string;
  files: string[];
  /** What was asked for and refused without failing the publish (labels, reviewers). */
  warnings?: string[];
}

export interface Publisher {
  readonly name: string;
  publish(request: PublishRequest): Promise<PublishResult>;
}

/** Thrown when a file would land outside the content collection folder. */
export class PathOutsideContentRootError extends Error {
  override readonly name = 'PathOutsideContentRootError';
}

/** The content collection folder all recap files must stay in. */
export const CONTENT_ROOT = 'site/content/recaps/';

/** Refuses absolute paths, dot segments, backslashes and anything outside `root`. */
export function assertUnderContentRoot(path: string, contentRoot: string = CONTENT_ROOT): void {
  // A root given without its trailing slash must not admit its siblings ("recaps-drafts/", "recaps.md").
  const root = contentRoot.endsWith('/') ? contentRoot : `${contentRoot}/`;
  if (!path.startsWith(root) || path.includes('\\') || path.split('/').some((part) => part === '..' || part === '.' || part === '') || !path.endsWith('.md')) {
    throw new PathOutsideContentRootError(`refusing to write ${JSON.stringify(path)}: recaps may only be .md files under ${root}`);
  }
}
