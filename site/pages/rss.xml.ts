// RSS 2.0 feed of published recaps. Drafts are never in it, preview build or not.
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { publishedRecaps } from '../lib/recaps.ts';
import { SITE } from '../lib/site.ts';
import { recapUrl } from '../lib/listing.ts';

export async function GET(context: APIContext) {
  const recaps = await publishedRecaps({ includeDrafts: false });
  return rss({
    title: SITE.title,
    description: SITE.description,
    site: context.site ?? 'http://127.0.0.1:4321',
    trailingSlash: true,
    customData: '<language>en</language>',
    items: recaps.map((recap) => ({
      title: recap.data.title,
      description: recap.data.description,
      pubDate: new Date(recap.data.date),
      link: recapUrl(recap.id),
      categories: [recap.data.category, ...recap.data.tags],
    })),
  });
}
