// The content generation answer: a page of content items from the D1 index, pagination, GitHub summary counts and
// suggestions. Shared by the sync path of POST /api/content/generate and the `content_generation` job.
import {
  meanScore,
  suggestedCategories,
  suggestedTitle,
  type ContentGenerationRequest,
  type GenerationResults,
} from '../../content-pipeline/index.ts';
import type { Services } from '../services.ts';
import type { ItemFilter } from '../storage/content-item-filter.ts';
import { pageContentItems, type BatchRunner } from '../storage/content-item-queries.ts';

export function itemFilter(request: ContentGenerationRequest): ItemFilter {
  const f = request.filters ?? {};
  return {
    start: request.date_range.start,
    end: request.date_range.end,
    ...(f.processing_status && { statuses: f.processing_status }),
    ...(f.categories && { categories: f.categories }),
    ...(f.platform && { platform: f.platform }),
    ...(f.min_views !== undefined && { minViews: f.min_views }),
    ...(f.min_duration !== undefined && { minDuration: f.min_duration }),
    ...(f.max_duration !== undefined && { maxDuration: f.max_duration }),
    ...(f.min_confidence !== undefined && { minConfidence: f.min_confidence }),
    ...(request.repository && { repository: request.repository }),
  };
}

function pagination(total: number, request: ContentGenerationRequest): GenerationResults['pagination'] {
  const totalPages = Math.ceil(total / request.limit);
  return { total_items: total, total_pages: totalPages, current_page: request.page, per_page: request.limit, has_next: request.page < totalPages, has_prev: request.page > 1 };
}

/** The page (or, with limit 0, only the counts) and the GitHub counts of the range, in one D1 round trip. */
async function query(request: ContentGenerationRequest, services: Services, limit: number, also: D1PreparedStatement[] = [], runBatch?: BatchRunner) {
  const counts = services.githubEvents.countsStatement(new Date(request.date_range.start).toISOString(), new Date(request.date_range.end).toISOString(), request.repository);
  const page = await pageContentItems(services.db, itemFilter(request), request.sort_by, request.sort_order, request.page, limit, [counts, ...also], runBatch);
  const github = services.githubEvents.readCounts(page.extra[0]!);
  const summary: GenerationResults['summary'] = { total_clips: page.total, total_prs: github.pull_requests, total_commits: github.commits, total_issues: github.issues };
  return { page, summary };
}

/** The full answer: items, pagination, summary and suggestions. */
export async function generateContent(request: ContentGenerationRequest, services: Services): Promise<GenerationResults & { rows_read: { page: number; count: number } }> {
  const { page, summary } = await query(request, services, request.limit);
  const score = meanScore(page.items);
  const categories = suggestedCategories(page.items);
  return {
    content_items: page.items,
    date_range: request.date_range,
    pagination: pagination(page.total, request),
    summary,
    ...(page.items.length > 0 && { suggested_title: suggestedTitle(request.content_type, request.date_range, page.items) }),
    ...(categories.length > 0 && { suggested_tags: categories }),
    ...(score !== undefined && { content_score: score }),
    rows_read: page.rows_read,
  };
}

/**
 * The cheap part an async answer carries at once: pagination and summary from counts alone. `also` rides in the
 * same D1 batch (the job's own insert), run by `runBatch` (with the request's nonce claim in front), so the
 * acknowledgement costs one round trip.
 */
export async function generationPreview(
  request: ContentGenerationRequest,
  services: Services,
  also: D1PreparedStatement[] = [],
  runBatch?: BatchRunner,
): Promise<Pick<GenerationResults, 'date_range' | 'pagination' | 'summary'>> {
  const { page, summary } = await query(request, services, 0, also, runBatch);
  return { date_range: request.date_range, pagination: pagination(page.total, request), summary };
}
