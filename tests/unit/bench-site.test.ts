// The page-weight benchmark (scripts/bench/page-weight.ts) run once, for structure only: a real production build,
// a real browser, and no request leaves 127.0.0.1 before the reader interacts (in particular none to Twitch).
// Sizes and timings are reported by `npm run bench`, never asserted here. The site-build benchmark is too slow
// for the suite and is not run.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchPageWeight, CHROMIUM } from '../../scripts/bench/page-weight.ts';

const IN_CI = process.env.CI === 'true';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !IN_CI) {
  console.warn(`[bench page-weight test] SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH). In CI this fails.`);
}

const TWITCH_HOST = /(^|\.)(twitch\.tv|jtvnw\.net|ttvnw\.net|twitchcdn\.net|twitchsvc\.net)$/;

describe.skipIf(!haveChromium && !IN_CI)('page-weight benchmark', () => {
  it('loads a 10-clip recap page from our own origin only, nothing from Twitch', async () => {
    if (!haveChromium) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    const result = await benchPageWeight();
    expect(result.clips).toBe(10);
    expect(result.page).toMatch(/^\/recaps\/[^/]+\/$/);
    expect(result.before_interaction.requests).toBeGreaterThan(0);
    expect(result.before_interaction.by_type.Document?.requests).toBe(1);
    expect(result.before_interaction.third_party_requests).toBe(0);
    expect(result.before_interaction.hosts.filter((h) => TWITCH_HOST.test(h))).toEqual([]);
    expect(result.before_interaction.hosts).toEqual(['127.0.0.1']);
  }, 300_000);
});
