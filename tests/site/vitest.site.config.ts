// Runs only the site tests, with the same settings as the root config's Node project:
//   node_modules/.bin/node node_modules/.bin/vitest run --config tests/site/vitest.site.config.ts
// (Once the root vitest.config.ts includes tests/site/**/*.test.ts, `npm test` runs them too.)
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'site',
    include: ['tests/site/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
