// Remark plugin for recap bodies. The publisher writes Markdown that quotes untrusted text (clip titles,
// transcripts, commit messages); Astro's Markdown pipeline would pass raw HTML straight through. Here:
// - raw HTML (`html` nodes, block or inline) becomes literal text, so it is escaped on output;
// - links, images and definitions whose URL has a scheme other than http(s)/mailto (javascript:, data:, …)
//   lose the URL: a link keeps its text, an image becomes its alt text.
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
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

function walk(node) {
  if (!Array.isArray(node.children)) return;
  const out = [];
  for (const child of node.children) {
    if (child.type === 'html') {
      const text = { type: 'text', value: child.value };
      out.push(BLOCK_PARENTS.has(node.type) ? { type: 'paragraph', children: [text] } : text);
      continue;
    }
    if ((child.type === 'link' || child.type === 'image' || child.type === 'definition') && !isSafeUrl(child.url)) {
      if (child.type === 'link') {
        walk(child);
        out.push(...child.children);
      } else if (child.type === 'image') {
        if (child.alt) out.push({ type: 'text', value: child.alt });
      }
      // an unsafe definition is dropped: references to it render as plain text
      continue;
    }
    walk(child);
    out.push(child);
  }
  node.children = out;
}

export default function remarkSafeMarkdown() {
  return (tree) => {
    walk(tree);
  };
}
