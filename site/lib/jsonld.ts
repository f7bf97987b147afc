// Structured data for recap pages, and the one safe way to put it in a page.
// JsonLd.astro is the only place in the site that uses `set:html`, and only with serializeJsonLd's output.
import type { RecapFrontmatter } from '../../content-pipeline/schemas/recap.ts';
import { isoDuration } from './format.ts';

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * JSON for an inline `<script type="application/ld+json">`. JSON.stringify alone is not enough: a string
 * containing `</script>` would close the element, and `<!--` changes how the HTML parser reads the script.
 * `<`, `>` and `&` become \u003c \u003e \u0026, and U+2028/U+2029 are escaped too (line terminators in older
 * JavaScript parsers). The result is still valid JSON that parses back to the same value.
 */
export function serializeJsonLd(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('JSON-LD data must be serializable');
  return json.replace(UNSAFE_IN_SCRIPT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface RecapJsonLdInput {
  data: RecapFrontmatter;
  /** Absolute canonical URL of the recap page. */
  url: string;
  siteTitle: string;
  siteUrl: string;
}

/**
 * schema.org BlogPosting with one VideoObject per clip, in page order: the properties search engines document for
 * these types (Google: Article's headline, image, datePublished, dateModified, author; VideoObject's name,
 * thumbnailUrl, uploadDate, description, duration, embedUrl, interactionStatistic), plus the post's description,
 * url and publisher. Left out because nothing reads them or the page already says it: `keywords` and
 * `articleSection` (the article:tag meta and the category link), `mainEntityOfPage` (the same URL as `url` and the
 * canonical link), every clip thumbnail again as the post's `image` (each is its video's `thumbnailUrl`; the post's
 * image is the first, as og:image), and `contentUrl`, which is for the video file itself, not the Twitch page
 * (the page links it).
 */
export function recapJsonLd({ data, url, siteTitle, siteUrl }: RecapJsonLdInput): Record<string, unknown> {
  const image = data.clips[0]?.thumbnail;
  return {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: data.title,
    description: data.description,
    datePublished: data.date,
    dateModified: data.generated_at,
    url,
    ...(image !== undefined && { image }),
    author: { '@type': 'Person', name: data.clips[0]?.broadcaster ?? siteTitle },
    publisher: { '@type': 'Organization', name: siteTitle, url: siteUrl },
    video: data.clips.map((clip) => ({
      '@type': 'VideoObject',
      name: clip.title,
      description: clip.transcript_excerpt.trim() || clip.title,
      thumbnailUrl: clip.thumbnail,
      uploadDate: clip.created_at,
      duration: isoDuration(clip.duration_seconds),
      embedUrl: clip.embed_url,
      interactionStatistic: {
        '@type': 'InteractionCounter',
        interactionType: { '@type': 'WatchAction' },
        userInteractionCount: clip.views,
      },
    })),
  };
}
