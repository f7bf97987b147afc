// The `content_generation` job: the async path of POST /api/content/generate, run from the queue.
import { ContentGenerationRequest } from '../../content-pipeline/index.ts';
import { generateContent } from '../generation/generate.ts';
import { jobHandlers, PermanentJobError, type JobContext } from './runner.ts';

export async function runContentGeneration({ request, services, progress }: JobContext) {
  const parsed = ContentGenerationRequest.safeParse(request);
  if (!parsed.success) throw new PermanentJobError(`invalid generation request: ${parsed.error.message}`);
  await progress('query_index', 0, 1);
  const { rows_read: _rows, ...results } = await generateContent(parsed.data, services);
  await progress('done', 1, 1);
  return results;
}

jobHandlers.content_generation = runContentGeneration;
