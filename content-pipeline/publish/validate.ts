// Checks shared by every publisher before anything is written: file paths inside the content root (no duplicates)
// and a branch name that is a plausible git ref distinct from the base branch.
import { assertUnderContentRoot, CONTENT_ROOT, type PublishRequest } from './types.ts';

/** Thrown for a branch name a publisher must not write to. */
export class InvalidBranchError extends Error {
  override readonly name = 'InvalidBranchError';
}

const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;

export function assertPublishableBranch(branch: string, baseBranch: string): void {
  // git check-ref-format --branch: no part may start with "." or end with ".lock"; "HEAD" is not a branch.
  const bad =
    !BRANCH.test(branch) ||
    branch === 'HEAD' ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  if (bad) throw new InvalidBranchError(`refusing branch ${JSON.stringify(branch)}: not a plain git branch name`);
  if (branch === baseBranch) throw new InvalidBranchError(`refusing to publish onto the base branch ${JSON.stringify(baseBranch)}: recaps go through a review branch`);
}

/** Validates the whole request and returns its file paths, in order. */
export function validatePublishRequest(request: PublishRequest, baseBranch: string, contentRoot: string = CONTENT_ROOT): string[] {
  const paths = request.files.map((file) => file.path);
  for (const path of paths) assertUnderContentRoot(path, contentRoot);
  assertPublishableBranch(request.branch, baseBranch);
  if (paths.length === 0) throw new Error('nothing to publish: the request has no files');
  if (new Set(paths).size !== paths.length) throw new Error(`the request names a file twice: ${paths.join(', ')}`);
  return paths;
}
