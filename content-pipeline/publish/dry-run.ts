// The dry-run publisher: validates the request as the real publishers would and returns the files, writing nothing.
import { assertUnderContentRoot, type Publisher, type PublishRequest, type PublishResult } from './types.ts';

export class DryRunPublisher implements Publisher {
  readonly name = 'dry-run';
  private readonly contentRoot: string;

  constructor(contentRoot?: string) {
    this.contentRoot = contentRoot ?? 'site/content/recaps/';
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    for (const file of request.files) assertUnderContentRoot(file.path, this.contentRoot);
    return { outcome: 'unchanged', branch: request.branch, files: request.files.map((f) => f.path) };
  }
}
