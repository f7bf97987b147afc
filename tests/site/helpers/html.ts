// Small helpers over parse5's tree (parse5 ships with Astro): the tests inspect built pages the way a browser
// parser sees them, not with regular expressions.
import { parse, type DefaultTreeAdapterMap } from 'parse5';

export type Element = DefaultTreeAdapterMap['element'];
type Node = DefaultTreeAdapterMap['node'];

export function parseHtml(html: string): DefaultTreeAdapterMap['document'] {
  return parse(html);
}

function* walk(node: Node): Generator<Element> {
  if ('tagName' in node) yield node;
  const children = 'content' in node && node.nodeName === 'template' ? node.content.childNodes : 'childNodes' in node ? node.childNodes : [];
  for (const child of children) yield* walk(child);
}

/** Every element in document order. */
export function elements(root: Node): Element[] {
  return [...walk(root)];
}

export function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

export function hasClass(el: Element, name: string): boolean {
  return (attr(el, 'class') ?? '').split(/\s+/).includes(name);
}

/** Elements matching a tag name and optional attribute/class predicates. */
export function select(root: Node, tag: string, where: (el: Element) => boolean = () => true): Element[] {
  return elements(root).filter((el) => el.tagName === tag && where(el));
}

/** Concatenated text content. */
export function text(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  const children = 'childNodes' in node ? node.childNodes : [];
  return children.map((c) => text(c)).join('');
}

/** Text with runs of whitespace collapsed, as a reader sees it. */
export function visibleText(node: Node): string {
  return text(node).replace(/\s+/g, ' ').trim();
}
