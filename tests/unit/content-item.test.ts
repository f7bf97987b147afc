import { describe, expect, it } from 'vitest';
import {
  canTransition,
  clipEmbedUrl,
  ContentItem,
  contentItemFromClip,
  contentItemIdFor,
  fail,
  HelixClip,
  InvalidTransitionError,
  ProcessingStatus,
  refreshFromClip,
  transition,
} from '../../content-pipeline/index.ts';
import { helixClip } from '../support/clips.ts';

const NOW = '2026-01-06T00:00:00.000Z';
const LATER = '2026-01-06T01:00:00.000Z';

describe('content item ids', () => {
  it('are ULIDs whose time is the clip time, the same for the same clip', async () => {
    const t = Date.parse('2026-01-05T14:00:00Z');
    const a = await contentItemIdFor('twitch', 'AwkwardHelplessSalamander', t);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a).toBe(await contentItemIdFor('twitch', 'AwkwardHelplessSalamander', t));
    expect(a).not.toBe(await contentItemIdFor('twitch', 'OtherClip', t));
    expect(a.slice(0, 10)).toBe((await contentItemIdFor('twitch', 'OtherClip', t)).slice(0, 10));
    const earlier = await contentItemIdFor('twitch', 'zzz', t - 1);
    expect(earlier < a).toBe(true);
    const { decodeTime } = await import('ulid');
    expect(decodeTime(a)).toBe(t);
  });
});

describe('contentItemFromClip', () => {
  it('maps every Helix field the item keeps and validates against the schema', async () => {
    const item = await contentItemFromClip(helixClip('Abc-123_x', { title: 'Fixing\nthe build\u0007' }), NOW);
    expect(ContentItem.parse(item)).toEqual(item);
    expect(item).toMatchObject({
      schema_version: '1.0.0',
      clip_id: 'Abc-123_x',
      clip_title: 'Fixing the build',
      clip_embed_url: 'https://clips.twitch.tv/embed?clip=Abc-123_x',
      clip_view_count: 10,
      clip_duration: 30,
      clip_created_at: '2026-01-05T14:00:00.000Z',
      broadcaster_name: 'TwitchDev',
      broadcaster_id: '141981764',
      platform: 'twitch',
      processing_status: 'pending',
      stored_at: NOW,
    });
  });

  it('refuses clips whose URLs are not http(s)', () => {
    const bad = HelixClip.safeParse({ ...helixClip('x'), thumbnail_url: 'javascript:alert(1)' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['thumbnail_url']);
  });

  it('names the field of a malformed clip', () => {
    const bad = HelixClip.safeParse({ ...helixClip('x'), view_count: 'many' });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['view_count']);
  });

  it('builds the embed URL without parent, encoding the id', () => {
    expect(clipEmbedUrl('a b')).toBe('https://clips.twitch.tv/embed?clip=a%20b');
  });
});

describe('refreshFromClip', () => {
  it('updates title and views, keeps processing state, and is a no-op when unchanged', async () => {
    const item = transition(await contentItemFromClip(helixClip('c'), NOW), 'queued', NOW);
    expect(refreshFromClip(item, helixClip('c'), LATER)).toBe(item);
    const refreshed = refreshFromClip(item, helixClip('c', { title: 'New title', view_count: 99 }), LATER);
    expect(refreshed).toMatchObject({ clip_title: 'New title', clip_view_count: 99, processing_status: 'queued', updated_at: LATER });
  });
});

describe('processing state machine', () => {
  const allowed: Array<[ProcessingStatus, ProcessingStatus]> = [
    ['pending', 'queued'],
    ['queued', 'audio_ready'],
    ['audio_ready', 'transcribed'],
    ['transcribed', 'enhanced'],
    ['enhanced', 'ready_for_content'],
    ['failed', 'queued'],
    ...ProcessingStatus.options.filter((s) => s !== 'failed').map((s) => [s, 'failed'] as [ProcessingStatus, ProcessingStatus]),
  ];

  it('allows exactly the listed transitions', () => {
    for (const from of ProcessingStatus.options) {
      for (const to of ProcessingStatus.options) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });

  it('refuses skipping and going backwards, from the model itself', async () => {
    const item = await contentItemFromClip(helixClip('d'), NOW);
    expect(() => transition(item, 'transcribed', LATER)).toThrow(InvalidTransitionError);
    const queued = transition(item, 'queued', LATER);
    expect(() => transition(queued, 'pending', LATER)).toThrow('processing_status cannot go from queued to pending');
  });

  it('stamps enhanced_at and content_ready_at, and treats a repeated stage as a no-op', async () => {
    let item = await contentItemFromClip(helixClip('e'), NOW);
    for (const status of ['queued', 'audio_ready', 'transcribed', 'enhanced'] as const) item = transition(item, status, LATER);
    expect(item.enhanced_at).toBe(LATER);
    expect(transition(item, 'enhanced', '2030-01-01T00:00:00.000Z')).toBe(item);
    item = transition(item, 'ready_for_content', NOW);
    expect(item.content_ready_at).toBe(NOW);
  });

  it('fails with an error and re-drives, clearing it', async () => {
    const item = transition(await contentItemFromClip(helixClip('f'), NOW), 'queued', NOW);
    const failed = fail(item, { code: 'media_unavailable', message: 'HTTP 404', occurred_at: LATER }, LATER);
    expect(failed).toMatchObject({ processing_status: 'failed', error: { code: 'media_unavailable' } });
    const again = fail(failed, { code: 'dead_lettered', message: 'retries exhausted', occurred_at: LATER }, LATER);
    expect(again.error!.code).toBe('dead_lettered');
    const redriven = transition(again, 'queued', LATER);
    expect(redriven.processing_status).toBe('queued');
    expect(redriven.error).toBeUndefined();
  });
});
