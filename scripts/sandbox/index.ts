// The offline sandbox: local stand-ins for Twitch (Helix, OAuth, clip media and thumbnails), GitHub REST, the
// transcription endpoint and Discord, all over real HTTP and all serving the bundled sample dataset, so the
// production clients run unchanged and only base URLs differ.
import { BROADCASTER, CLIPS, GITHUB_EVENTS, helixClips, transcriptSegments } from '../../sample-data/index.ts';
import { FakeDiscord } from './fake-discord.ts';
import { FakeGitHub } from './fake-github.ts';
import { FakeHelix } from './fake-helix.ts';
import { FakeTranscriber } from './fake-transcriber.ts';

export const SANDBOX_CREDENTIALS = {
  twitchClientId: 'sandbox-client-id',
  twitchClientSecret: 'sandbox-client-secret',
  githubToken: 'github_pat_sandbox',
  githubWebhookSecret: 'sandbox-webhook-secret',
};

export interface Sandbox {
  helix: FakeHelix;
  github: FakeGitHub;
  transcriber: FakeTranscriber;
  discord: FakeDiscord;
  /** Worker variables pointing every outside system at the sandbox. */
  workerVars: Record<string, string>;
  stop: () => Promise<void>;
}

/** A small MP4-ish body per clip: the audio stage needs bytes, not a playable video. */
function fakeMedia(clipId: string): Uint8Array {
  return new TextEncoder().encode(`ftypisom sample media of ${clipId} `.repeat(64));
}

export async function startSandbox(): Promise<Sandbox> {
  const helix = new FakeHelix({
    clientId: SANDBOX_CREDENTIALS.twitchClientId,
    clientSecret: SANDBOX_CREDENTIALS.twitchClientSecret,
    users: [BROADCASTER],
    media: new Map(CLIPS.filter((c) => !c.media_missing).map((c) => [c.id, fakeMedia(c.id)])),
  });
  const helixBase = await helix.start();
  helix.options.clips.push(...helixClips(helixBase));
  const github = new FakeGitHub({ token: SANDBOX_CREDENTIALS.githubToken }).addEvents(GITHUB_EVENTS);
  const transcriber = new FakeTranscriber(transcriptSegments);
  const discord = new FakeDiscord();
  const [githubBase, transcriberBase] = await Promise.all([github.start(), transcriber.start(), discord.start()]);
  return {
    helix,
    github,
    transcriber,
    discord,
    workerVars: {
      TWITCH_API_BASE: helixBase,
      TWITCH_AUTH_BASE: helixBase,
      TWITCH_CLIENT_ID: SANDBOX_CREDENTIALS.twitchClientId,
      TWITCH_CLIENT_SECRET: SANDBOX_CREDENTIALS.twitchClientSecret,
      CLIP_MEDIA_URL_TEMPLATE: `${helixBase}/media/{clip_id}.mp4`,
      AUDIO_SOURCE: 'fixture',
      TRANSCRIBER: 'http',
      TRANSCRIBE_API_URL: transcriberBase!,
      GITHUB_API_URL: githubBase!,
      GITHUB_TOKEN: SANDBOX_CREDENTIALS.githubToken,
      GITHUB_WEBHOOK_SECRET: SANDBOX_CREDENTIALS.githubWebhookSecret,
      GITHUB_REPOS: 'streamdev/clip-recap,streamdev/payments-api',
      DISCORD_WEBHOOK_URL: discord.webhookUrl,
    },
    stop: async () => {
      await Promise.all([helix.stop(), github.stop(), transcriber.stop(), discord.stop()]);
    },
  };
}
