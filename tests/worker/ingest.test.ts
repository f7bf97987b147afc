// Clip ingest on the local runtime: the signed API starts a job, the real local queue runs it against the fake
// Twitch over HTTP, items move through audio and transcription (fixture adapters), and a second ingest changes
// nothing.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ContentItem } from '../../content-pipeline/index.ts';
import { BROADCASTER, HOSTILE_TITLE, MISSING_MEDIA_CLIP, RANGE } from '../fixtures/ingest-clips.ts';
import { errorOf, signedFetch } from './support.ts';
import { finishedJob, helixControl, helixLog, startIngest, storedItems as items, waitFor } from './support-pipeline.ts';

async function ingest(body: object) {
  return finishedJob(await startIngest(body));
}

// Without GitHub events in range the clips pass matching with an empty context, then the heuristic judge scores them.
const settled = (all: ContentItem[]) =>
  all.length === 11 && all.every((i) => i.processing_status === 'ready_for_content' || i.processing_status === 'failed');

describe('clip ingest', () => {
  it('takes ten clips from ingest through transcription and matching, nothing lost and nothing duplicated when run twice', async () => {
    await helixControl('reset');
    const job = await ingest({ broadcaster_login: BROADCASTER.login, date_range: RANGE });
    expect(job.status).toBe('completed');
    expect(job.results).toMatchObject({
      broadcaster_id: BROADCASTER.id,
      clips_found: 10,
      created: 10,
      queued_for_audio: 10,
      invalid: [{ clip_id: 'clip-malformed', message: expect.stringContaining('view_count') }],
    });

    // Pages of at most 3 (the fake's limit) were followed by cursor.
    expect((await helixLog()).filter((e) => e.path === '/helix/clips' && e.query.after).length).toBeGreaterThanOrEqual(2);

    const all = await waitFor('items to settle', async () => {
      const current = await items();
      return settled(current) ? current : undefined;
    });
    const byClip = new Map(all.map((i) => [i.clip_id, i]));
    const transcribed = all.filter((i) => i.processing_status === 'ready_for_content');
    expect(transcribed).toHaveLength(9);
    for (const item of transcribed) {
      expect(item.transcript_summary).toContain(`Fixture transcript for clip ${item.clip_id}`);
      expect(item.transcript_url).toBe(`http://assets.test/assets/transcripts/${item.clip_id}.json`);
      expect(item.clip_thumbnail_url).toBe(`http://assets.test/assets/thumbnails/${item.clip_id}.jpg`);
      expect(item.audio_file_url).toBe(`r2://audio/${item.clip_id}.m4a`);
      expect(await env.BUCKET.head(`content-items/${item.content_item_id}.json`)).not.toBeNull();
      expect(await env.BUCKET.head(`media/${item.clip_id}.mp4`)).not.toBeNull();
      expect(item.github_summary).toBe('No GitHub activity matched this clip.');
      expect(item.enhanced_at).toBeDefined();
      expect(item).toMatchObject({ judge: 'heuristic', content_decision: expect.stringMatching(/^(approved|needs_review|rejected)$/) });
      expect(item.content_score).toBeGreaterThanOrEqual(0);
      expect(item.content_ready_at).toBeDefined();
    }
    expect(byClip.get(MISSING_MEDIA_CLIP)).toMatchObject({ processing_status: 'failed', error: { code: 'media_unavailable' } });
    expect(byClip.get('clip-malformed')).toMatchObject({ processing_status: 'failed', error: { code: 'invalid_clip' } });
    expect(byClip.get('clip-03')!.clip_title).toBe(HOSTILE_TITLE.replace(/\n/g, ' '));
    expect(byClip.has('other-broadcaster')).toBe(false);

    // The same range again: nothing created, nothing re-queued, nothing changed.
    const before = await env.DB.prepare('SELECT content_item_id, version, item_json FROM content_items ORDER BY 1').all();
    const again = await ingest({ broadcaster_id: BROADCASTER.id, date_range: RANGE });
    expect(again.results).toMatchObject({ clips_found: 10, created: 0, refreshed: 0, unchanged: 10, queued_for_audio: 0 });
    const after = await env.DB.prepare('SELECT content_item_id, version, item_json FROM content_items ORDER BY 1').all();
    expect(after.results).toEqual(before.results);

    // The API serves what the index holds, with transcripts on request.
    const list = await signedFetch('GET', `/api/content-items?start=${RANGE.start}&end=${RANGE.end}&status=ready_for_content&limit=5`);
    const page = await list.json<{ content_items: ContentItem[]; pagination: { has_next: boolean; next_cursor?: string } }>();
    expect(page.content_items).toHaveLength(5);
    expect(page.pagination.has_next).toBe(true);
    const one = await signedFetch('GET', `/api/content-items/${transcribed[0]!.content_item_id}?include=transcript`);
    expect(await one.json()).toMatchObject({ content_item: { clip_id: transcribed[0]!.clip_id }, transcript: { segments: [expect.any(Object)] } });
    // ULIDs are case-insensitive.
    const lower = await signedFetch('GET', `/api/content-items/${transcribed[0]!.content_item_id.toLowerCase()}`);
    expect(lower.status).toBe(200);
    expect((await lower.json<{ content_item: ContentItem }>()).content_item.content_item_id).toBe(transcribed[0]!.content_item_id);
  });

  it('refuses bad ingest requests with the failing fields', async () => {
    for (const [body, field] of [
      [{ date_range: RANGE }, 'broadcaster_login'],
      [{ broadcaster_login: 'x', broadcaster_id: '1', date_range: RANGE }, 'broadcaster_login'],
      [{ broadcaster_login: 'bad login!', date_range: RANGE }, 'broadcaster_login'],
      [{ broadcaster_login: 'x', date_range: { start: RANGE.end, end: RANGE.start } }, 'date_range.end'],
      [{ broadcaster_login: 'x', date_range: { start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' } }, 'date_range'],
      [{ broadcaster_login: 'x', date_range: RANGE, extra: 1 }, 'extra'],
    ] as const) {
      const response = await signedFetch('POST', '/api/clips/ingest', { body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });

  it('fails the job clearly for an unknown login', async () => {
    const job = await ingest({ broadcaster_login: 'nobody_here', date_range: RANGE });
    expect(job.status).toBe('failed');
    expect(job.error?.message).toContain('Twitch has no user with login "nobody_here"');
  });
});
