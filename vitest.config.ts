// Two test projects: pure code and CLIs in Node, everything touching bindings inside workerd (local D1, R2, Queues)
// with the real migrations applied in tests/worker/setup.ts.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_HMAC_KEYS } from './tests/support/keys.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/site/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['./tests/support/fast-check-seed.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => {
            const helixBase = inject<string>('helixBase');
            const githubBase = inject<string>('githubBase');
            const discordBase = inject<string>('discordBase');
            return {
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  ENVIRONMENT: 'test',
                  HMAC_KEYS: JSON.stringify(TEST_HMAC_KEYS),
                  TEST_MIGRATIONS: await readD1Migrations('./migrations'),
                  TWITCH_API_BASE: helixBase,
                  TWITCH_AUTH_BASE: helixBase,
                  TWITCH_CLIENT_ID: 'fake-client-id',
                  TWITCH_CLIENT_SECRET: 'fake-client-secret',
                  CLIP_MEDIA_URL_TEMPLATE: `${helixBase}/media/{clip_id}.mp4`,
                  PUBLIC_BASE_URL: 'http://assets.test',
                  AUDIO_SOURCE: 'fixture',
                  TRANSCRIBER: 'fixture',
                  GITHUB_API_URL: githubBase,
                  GITHUB_TOKEN: 'github_pat_worker_tests',
                  GITHUB_WEBHOOK_SECRET: 'webhook-secret-for-tests',
                  GITHUB_REPOS: 'streamdev/clip-recap,streamdev/payments-api',
                  BLOG_REPO: 'streamdev/blog',
                  RECAP_LABELS: 'recap',
                  DISCORD_WEBHOOK_URL: `${discordBase}/api/webhooks/1/fake-token`,
                  DISCORD_CLEANUP_THRESHOLD: '1',
                },
              },
            };
          }),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          testTimeout: 30_000,
          // One fake Twitch serves every file, and some files script its faults: run files one at a time.
          fileParallelism: false,
          setupFiles: ['./tests/worker/setup.ts'],
          globalSetup: ['./tests/worker/global-setup.ts'],
        },
      },
    ],
  },
});
