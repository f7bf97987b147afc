// The `content_generation` job: the async path of POST /api/content/generate, run from the queue.
import { ContentGenerationRequest } from '../../content-pipeline/index.ts';
import { generateContent } from '../generation/generate.ts';
import type { Services } from '../services.ts';
import { jobHandlers, PermanentJobError, readOnlyJobHandlers } from './runner.ts';

// One step (a D1 round trip) that finishes well inside the lease: no progress writes, which would double its D1 cost.
// It only reads, so its message carries the request and it runs without a claim (runner.ts).
export async function runContentGeneration(request: unknown, services: Services) {
  const parsed = ContentGenerationRequest.safeParse(request);
  if (!parsed.success) throw new PermanentJobError(`invalid generation request: ${parsed.error.message}`);
  const { rows_read: _rows, ...results } = await generateContent(parsed.data, services);
  return results;
}

readOnlyJobHandlers.content_generation = runContentGeneration;
// A message without the request (sent before it carried one, or re-sent by housekeeping) takes the claim path.
jobHandlers.content_generation = ({ request, services }) => runContentGeneration(request, services);
