// The `content_generation` job: the async path of POST /api/content/generate, run from the queue.
import { ContentGenerationRequest } from '../../content-pipeline/index.ts';
import { generateContent } from '../generation/generate.ts';
import { jobHandlers, PermanentJobError, type JobContext } from './runner.ts';

// One step (a D1 round trip) that finishes well inside the lease: no progress writes, which would double its D1 cost.
export async function runContentGeneration({ request, services }: JobContext) {
  const parsed = ContentGenerationRequest.safeParse(request);
  if (!parsed.success) throw new PermanentJobError(`invalid generation request: ${parsed.error.message}`);
  const { rows_read: _rows, ...results } = await generateContent(parsed.data, services);
  return results;
}

jobHandlers.content_generation = runContentGeneration;
