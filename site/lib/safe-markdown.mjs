// Sätteri mdast plugin for recap bodies (astro.config.mjs: `satteri({ mdastPlugins: [safeMarkdown] })`). The
// publisher writes Markdown that quotes untrusted text (clip titles, transcripts, commit messages); Sätteri, like
// any Markdown processor, would pass raw HTML straight through. Here:
// - raw HTML (`html` nodes, block or inline) becomes literal text, so it is escaped on output;
// - links, images and definitions whose URL has a scheme other than http(s) (javascript:, data:, mailto:, …)
//   lose the URL: a link keeps its text, an image becomes its alt text, a definition is dropped (references to
//   it render as their text);
// - links whose text is their own address become that text. GFM links bare addresses in text (`www.x.test`,
//   `https://x.test`, `a@b.test`), and Sätteri does so even when the publisher escapes them, so a viewer's clip
//   title or a transcript could put links on the page. The generator's own links always have a label of their
//   own (`PR #12 in owner/repo`), so a self-labelled link is one the untrusted text made.
//
// Sätteri walks the tree in Rust and calls these visitors parent first; a node's replacement is applied after the
// walk, and changes queued on the descendants of a replaced node are dropped. So an unsafe link is replaced by a
// cleaned copy of its whole content (`clean()`, the same rules applied in JavaScript), and visitors skip nodes
// inside an unsafe link: the link's replacement already covers them.
const SAFE_SCHEMES = new Set(['http:', 'https:']);
const BLOCK_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

export function isSafeUrl(url) {
  const trimmed = String(url ?? '').trim();
  // Browsers ignore ASCII whitespace and control characters inside a scheme (`java\tscript:`).
  // eslint-disable-next-line no-control-regex
  const compact = trimmed.replace(/[\u0000-\u0020]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(compact);
  if (!scheme) return true; // relative URL or fragment
  return SAFE_SCHEMES.has(scheme[1].toLowerCase());
}

/** A link GFM made from an address in the text: its only content is the address, as typed. */
function isAddressInText(node) {
  if (node.children?.length !== 1 || node.children[0].type !== 'text') return false;
  const label = node.children[0].value;
  if (node.url === label || node.url === `http://${label}` || node.url === `mailto:${label}`) return true;
  try {
    return decodeURI(node.url) === label;
  } catch {
    return false; // not a well-formed escape (a lone %): not the address as typed either
  }
}

const isUnsafeLink = (node) => node.type === 'link' && (!isSafeUrl(node.url) || isAddressInText(node));

/** A node's own mdast fields, without Sätteri's bookkeeping (`_id`, `_resolver`) or its position. */
function fields(node) {
  const out = {};
  for (const [key, value] of Object.entries(node)) if (!key.startsWith('_') && key !== 'position' && key !== 'children') out[key] = value;
  return out;
}

/** Plain-object copies of `nodes` with the rules applied (for the content of an unsafe link). */
function clean(nodes, inBlock) {
  const out = [];
  for (const node of nodes) {
    if (node.type === 'html') {
      const text = { type: 'text', value: node.value };
      out.push(inBlock ? { type: 'paragraph', children: [text] } : text);
    } else if (isUnsafeLink(node) || ((node.type === 'image' || node.type === 'definition') && !isSafeUrl(node.url))) {
      if (node.type === 'link') out.push(...clean(node.children, inBlock));
      else if (node.type === 'image' && node.alt) out.push({ type: 'text', value: node.alt });
    } else if (Array.isArray(node.children)) {
      out.push({ ...fields(node), children: clean(node.children, BLOCK_PARENTS.has(node.type)) });
    } else {
      out.push(fields(node));
    }
  }
  return out;
}

/** True when an ancestor of `node` is an unsafe link, whose replacement already cleans `node`. */
function insideUnsafeLink(node, ctx) {
  for (let p = ctx.parent(node); p; p = ctx.parent(p)) if (isUnsafeLink(p)) return true;
  return false;
}

/** @type {import('satteri').MdastPluginDefinition} */
export const safeMarkdown = {
  name: 'safe-markdown',
  html(node, ctx) {
    if (insideUnsafeLink(node, ctx)) return;
    const text = { type: 'text', value: node.value };
    ctx.replaceNode(node, BLOCK_PARENTS.has(ctx.parent(node)?.type ?? 'root') ? { type: 'paragraph', children: [text] } : text);
  },
  link(node, ctx) {
    if (!isUnsafeLink(node) || insideUnsafeLink(node, ctx)) return;
    ctx.replaceNode(node, clean(node.children, false));
  },
  image(node, ctx) {
    if (isSafeUrl(node.url) || insideUnsafeLink(node, ctx)) return;
    ctx.replaceNode(node, node.alt ? [{ type: 'text', value: node.alt }] : []);
  },
  definition(node, ctx) {
    if (!isSafeUrl(node.url)) ctx.removeNode(node);
  },
};

export default safeMarkdown;
