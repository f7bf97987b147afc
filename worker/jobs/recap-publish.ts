// The `recap_publish` job: builds a recap from the range's scored items and their GitHub context, and hands it to
// the publisher (a pull request on the blog repository, or a dry run). Re-running it updates the same branch and
// pull request, and does nothing when the post would be identical.
import {
  buildRecap,
  byBestScore,
  pullRequestBody,
  recapLocation,
  RecapContentType,
  RecapPublishRequest,
  isPublishable,
  MAX_CLIPS,
  selectClips,
  templateProse,
  Transcript,
  WorkersAiProse,
  type ContentItem,
  type GitHubContext,
  type RecapSource,
} from '../../content-pipeline/index.ts';
import pkg from '../../package.json' with { type: 'json' };
import { githubContextKey } from '../pipeline/enhance-stage.ts';
import type { Services } from '../services.ts';
import { pageContentItems } from '../storage/content-item-queries.ts';
import { r2ProseCache } from '../storage/prose-cache.ts';
import { jobHandlers, PermanentJobError, type JobContext } from './runner.ts';

const SOURCE_PAGE = 100;
/**
 * A topic's clips are found by reading each candidate's transcript and GitHub context (two R2 reads): at most this
 * many best-scored candidates, to stay well inside a Worker's subrequests per invocation.
 */
const MAX_TOPIC_CANDIDATES = 400;

/**
 * Everything a recap can be made of in the range: every publishable item (all pages of the index, not only the
 * best scored, so a topic's clips are found among many others) with its context and transcript text.
 */
async function recapSources(request: RecapPublishRequest, services: Services): Promise<RecapSource[]> {
  const filter = { start: request.date_range.start, end: request.date_range.end, statuses: ['ready_for_content' as const], ...(request.repository && { repository: request.repository }) };
  const items: ContentItem[] = [];
  for (let page = 1; ; page++) {
    const found = await pageContentItems(services.db, filter, 'content_score', 'desc', page, SOURCE_PAGE);
    items.push(...found.items.filter((item) => isPublishable(item, services.config)));
    if (page * SOURCE_PAGE >= found.total || found.items.length === 0) break;
  }
  // Best first, ties by id, as selectClips ranks them: a daily or weekly recap takes no more than MAX_CLIPS of them,
  // so only those are read from R2.
  items.sort(byBestScore);
  const candidates = items.slice(0, request.content_type === 'topic_focus' ? MAX_TOPIC_CANDIDATES : MAX_CLIPS[request.content_type]);
  return Promise.all(
    candidates.map(async (item) => {
      const [context, transcript] = await Promise.all([services.bucket.get(githubContextKey(item.clip_id)), services.bucket.get(`transcripts/${item.clip_id}.json`)]);
      const parsed = transcript ? Transcript.safeParse(await transcript.json()) : null;
      return { item, context: context ? ((await context.json()) as GitHubContext) : null, transcript: parsed?.success ? parsed.data.text : (item.transcript_summary ?? '') };
    }),
  );
}

export async function runRecapPublish({ request, services, progress }: JobContext) {
  const parsed = RecapPublishRequest.safeParse(request);
  if (!parsed.success) throw new PermanentJobError(`invalid publish request: ${parsed.error.message}`);
  const r = parsed.data;
  await progress('select_clips', 0, 3);
  const selected = selectClips(await recapSources(r, services), {
    contentType: r.content_type,
    includeNeedsReview: services.config.includeNeedsReview,
    ...(r.topic && { topic: r.topic }),
  });
  if (selected.length === 0) return { outcome: 'skipped', reason: 'no approved clips in the range', files: [] };

  await progress('build_recap', 1, 3);
  // Prose from Workers AI when bound and within the day's AI budget (each call counts as 10 s of it).
  const prose = services.aiText
    ? new WorkersAiProse(services.aiText, () => services.budgets.reserve('ai_audio_seconds', 10, services.config.aiDailyAudioSeconds, services.clock()), r2ProseCache(services.bucket))
    : templateProse;
  const recap = await buildRecap({
    contentType: r.content_type,
    dateRange: r.date_range,
    sources: selected,
    generatorVersion: pkg.version,
    ...(r.topic && { topic: r.topic }),
    ...(r.repository && { repository: r.repository }),
  }, prose);
  const location = recapLocation(r.content_type, r.date_range.start, r.topic);
  const publisher = r.dry_run ? services.dryRunPublisher : await services.publisher();
  await progress('publish', 2, 3);
  const body = pullRequestBody({ frontmatter: recap.frontmatter, items: selected.map((s) => s.item), path: location.path, branch: location.branch, pagesProject: services.config.pagesProject, slug: location.slug });
  const result = await publisher.publish({
    branch: location.branch,
    title: recap.frontmatter.title,
    body,
    files: [{ path: location.path, content: recap.markdown }],
    labels: services.config.recapLabels,
    reviewers: services.config.recapReviewers,
  });
  if (result.pr_url && (result.outcome === 'created' || result.outcome === 'updated')) {
    const warned = result.warnings?.length ? `; not done: ${result.warnings.join('; ')}` : '';
    await services.notify(`Recap pull request ${result.outcome}: ${result.pr_url} (${selected.length} clips, ${location.path}${warned})`);
  }
  return {
    ...result,
    publisher: publisher.name,
    path: location.path,
    clips: selected.map((s) => s.item.clip_id),
    title: recap.frontmatter.title,
    prose: prose.name,
    ...(prose instanceof WorkersAiProse && prose.fallbacks.length > 0 && { prose_fallbacks: prose.fallbacks }),
    // A dry run hands back what would have been proposed, for another publisher (e.g. the local git one) to use.
    ...(r.dry_run && { markdown: recap.markdown, pr_body: body }),
  };
}

jobHandlers.recap_publish = runRecapPublish;
