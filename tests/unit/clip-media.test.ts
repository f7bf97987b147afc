// Where clip media comes from, over real HTTP against the fake Twitch: Helix clip downloads with a user token, the
// URL template, and a clear reason on the item when neither works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipMediaLocator, contentItemFromClip, defaultHttpDeps, MEDIA_UNCONFIGURED } from '../../content-pipeline/index.ts';
import { FakeHelix } from '../../scripts/sandbox/fake-helix.ts';
import { helixClip } from '../support/clips.ts';

const helix = new FakeHelix({ media: new Map([['has-media', new TextEncoder().encode('mp4')]]) });
const item = (id: string) => contentItemFromClip(helixClip(id), '2026-01-06T00:00:00.000Z');
const deps = { ...defaultHttpDeps(), sleep: async () => {} };

beforeAll(async () => {
  await helix.start();
});
afterAll(() => helix.stop());

describe('ClipMediaLocator', () => {
  const downloads = (userToken: string) => new ClipMediaLocator({ apiBase: helix.baseUrl, clientId: 'fake-client-id', userToken, editorId: '141981764' }, deps);

  it('asks Helix clip downloads with the user token and the editor id', async () => {
    expect(await downloads('fake-user-token').locate(await item('has-media'))).toEqual({ url: `${helix.baseUrl}/media/has-media.mp4` });
    const request = helix.log.find((e) => e.path === '/helix/clips/downloads')!;
    expect(request.query).toMatchObject({ editor_id: ['141981764'], broadcaster_id: ['141981764'], clip_id: ['has-media'] });
  });

  it('says when the clip has no download, and when the token is refused', async () => {
    expect(await downloads('fake-user-token').locate(await item('no-media'))).toEqual({ unavailable: expect.stringMatching(/^media_unavailable/) });
    expect(await downloads('expired-token').locate(await item('has-media'))).toEqual({ unavailable: expect.stringMatching(/^media_token_rejected: .*renew TWITCH_USER_TOKEN/) });
  });

  it('calls a clip Helix answers 404 for unavailable (the item fails), and leaves other errors to the retries', async () => {
    helix.faults.push({ status: 404 });
    expect(await downloads('fake-user-token').locate(await item('has-media'))).toEqual({ unavailable: 'media_unavailable: Helix clip downloads answered 404' });
    helix.faults.push({ status: 400 });
    await expect(downloads('fake-user-token').locate(await item('has-media'))).rejects.toThrow('Helix clip downloads answered HTTP 400');
  });

  it('falls back to the URL template, and names what to configure without either', async () => {
    const template = new ClipMediaLocator({ apiBase: helix.baseUrl, urlTemplate: 'https://media.example/{broadcaster_id}/{clip_id}.mp4' }, deps);
    expect(await template.locate(await item('a b'))).toEqual({ url: 'https://media.example/141981764/a%20b.mp4' });
    expect(await new ClipMediaLocator({ apiBase: helix.baseUrl }, deps).locate(await item('x'))).toEqual({ unavailable: MEDIA_UNCONFIGURED });
  });
});
