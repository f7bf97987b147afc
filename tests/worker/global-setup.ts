// Starts the fake Twitch (Helix, OAuth, clip media CDN) in Node for the workerd tests, which reach it over real
// HTTP through the production client.
import type { TestProject } from 'vitest/node';
import { FakeDiscord } from '../../scripts/sandbox/fake-discord.ts';
import { FakeGitHub } from '../../scripts/sandbox/fake-github.ts';
import { FakeHelix } from '../../scripts/sandbox/fake-helix.ts';
import { GITHUB_EVENTS } from '../../sample-data/index.ts';
import { BROADCASTER, ingestClips, ingestMedia } from '../fixtures/ingest-clips.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    helixBase: string;
    githubBase: string;
    discordBase: string;
  }
}

export default async function setup(project: TestProject) {
  const helix = new FakeHelix({ users: [BROADCASTER], media: ingestMedia(), maxPageSize: 3 });
  const base = await helix.start();
  helix.options.clips.push(...ingestClips(base));
  project.provide('helixBase', base);
  const github = new FakeGitHub({ token: 'github_pat_worker_tests', maxPerPage: 5 }).addEvents(GITHUB_EVENTS);
  github.initRepository('streamdev/blog', 'main', { 'README.md': '# The blog\n' });
  project.provide('githubBase', await github.start());
  const discord = new FakeDiscord();
  project.provide('discordBase', await discord.start());
  return async () => {
    await helix.stop();
    await github.stop();
    await discord.stop();
  };
}
