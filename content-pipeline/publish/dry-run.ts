// The dry-run publisher: validates the request as the real publishers would and returns the files, writing nothing.
import type { Publisher, PublishRequest, PublishResult } from './types.ts';
import { validatePublishRequest } from './validate.ts';

export class DryRunPublisher implements Publisher {
  readonly name = 'dry-run';
  private readonly contentRoot: string;
  private readonly baseBranch: string;

  constructor(contentRoot?: string, baseBranch = 'main') {
    this.contentRoot = contentRoot ?? 'site/content/recaps/';
    this.baseBranch = baseBranch;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const files = validatePublishRequest(request, this.baseBranch, this.contentRoot);
    return { outcome: 'unchanged', branch: request.branch, files };
  }
}
