// Browser side of ClipFacade.astro, the site's only JavaScript on recap pages (bundled by Astro, a few hundred
// bytes). Turns each facade link into a button and, on activation, replaces it with the Twitch embed.
// Untrusted strings (the clip title) only ever go through setAttribute/properties, never an HTML parser.
const EMBED_BASE = 'https://clips.twitch.tv/embed';

/** The facade link's label is this and the clip title (ClipFacade.astro); the title is read back from it. */
export const WATCH_LABEL = 'Watch on Twitch: ';

/** The clip title of a facade link: its label without WATCH_LABEL. */
export function facadeTitle(link: Element): string {
  const label = link.getAttribute('aria-label') ?? '';
  return label.startsWith(WATCH_LABEL) ? label.slice(WATCH_LABEL.length) : label;
}

/** The embed URL for a clip, for the page's current host (Twitch refuses embeds without a matching `parent`). */
export function embedUrl(clipId: string, hostname: string): string {
  const url = new URL(EMBED_BASE);
  url.searchParams.set('clip', clipId);
  url.searchParams.set('parent', hostname);
  url.searchParams.set('autoplay', 'true');
  return url.href;
}

function play(button: HTMLElement): void {
  const iframe = document.createElement('iframe');
  iframe.className = 'facade-embed';
  iframe.src = embedUrl(button.dataset.clip ?? '', location.hostname);
  iframe.title = `Twitch clip: ${button.dataset.title ?? ''}`;
  // `allow` grants fullscreen; the old allowfullscreen attribute next to it only earns a console warning.
  iframe.setAttribute('allow', 'autoplay; fullscreen');
  button.replaceWith(iframe);
  iframe.focus();
}

export function enhanceFacades(doc: Document): void {
  for (const link of doc.querySelectorAll<HTMLAnchorElement>('a.facade[data-clip]')) {
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = link.className;
    button.dataset.clip = link.dataset.clip;
    const title = facadeTitle(link);
    button.dataset.title = title;
    button.setAttribute('aria-label', `Play clip: ${title}`);
    button.append(...link.childNodes);
    link.replaceWith(button);
  }
  // A thumbnail that fails (a Twitch URL kept when the copy into R2 failed, since expired) leaves the dark box and
  // its play icon instead of the browser's broken-image icon. Error events do not bubble, hence the capture phase;
  // one that failed before this script ran is found by its state (a lazy image not yet asked for is not complete).
  const hideIfBroken = (img: HTMLImageElement) => {
    if (img.complete && img.naturalWidth === 0) img.hidden = true;
  };
  doc.addEventListener('error', (event) => event.target instanceof HTMLImageElement && event.target.closest('.facade') && hideIfBroken(event.target), true);
  for (const img of doc.querySelectorAll<HTMLImageElement>('.facade img')) hideIfBroken(img);
  // One listener for every facade. A <button> turns Enter and Space into a click by itself.
  doc.addEventListener('click', (event) => {
    const target = event.target;
    const button = target instanceof Element ? target.closest<HTMLElement>('button.facade[data-clip]') : null;
    if (button) play(button);
  });
}
