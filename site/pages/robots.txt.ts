// robots.txt: production builds point crawlers at the sitemap; preview builds ask them to stay away.
import type { APIContext } from 'astro';
import { isPreviewBuild } from '../lib/recaps.ts';

export function GET(context: APIContext) {
  const body = isPreviewBuild()
    ? 'User-agent: *\nDisallow: /\n'
    : `User-agent: *\nAllow: /\n\nSitemap: ${new URL('/sitemap-index.xml', context.site).href}\n`;
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
