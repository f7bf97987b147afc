// The AI prose writer's accepted answers (content-pipeline/recaps/ai-prose.ts), kept in R2 under prose/<hash>.txt so
// re-publishing an unchanged recap gives the same words without asking the model again.
import type { ProseCache } from '../../content-pipeline/index.ts';

export function r2ProseCache(bucket: R2Bucket): ProseCache {
  return {
    get: async (key) => (await bucket.get(`prose/${key}.txt`))?.text() ?? null,
    put: async (key, text) => void (await bucket.put(`prose/${key}.txt`, text, { httpMetadata: { contentType: 'text/plain; charset=utf-8' } })),
  };
}
