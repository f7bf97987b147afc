// What a recap publish asks for (POST /api/recaps/publish, the recap_publish job and the daily cron): the spec's
// content types, a range, optionally a repository and, for topic_focus, a topic whose slug names the post.
import { z } from 'zod';
import { DateRange, RepoName } from '../schemas/primitives.ts';
import { RecapContentType } from '../schemas/recap.ts';
import { topicSlug } from './select.ts';

export const RecapPublishRequest = z
  .object({
    content_type: RecapContentType,
    date_range: DateRange,
    repository: RepoName.optional(),
    // Free text ("Cursor pagination"): the post's title shows it, its file name and front matter use its slug.
    topic: z.string().min(1).max(60).refine((topic) => topicSlug(topic) !== '', 'must contain a letter or a digit').optional(),
    dry_run: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.content_type !== 'topic_focus' || r.topic !== undefined, { message: 'topic is required for topic_focus', path: ['topic'] });
export type RecapPublishRequest = z.infer<typeof RecapPublishRequest>;
