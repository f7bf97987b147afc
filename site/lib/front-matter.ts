// A fast reader for recap front matter, used by the recaps collection (site/content.config.ts) in front of Astro's
// own YAML parser (js-yaml), which took ~0.75 s of a 1000-recap build: each recap has ~15 KB of front matter.
//
// The publisher writes front matter with js-yaml 4's dump (content-pipeline/recaps/build-recap.ts; files written
// earlier through gray-matter's js-yaml 3 have the same shape): block mappings and sequences indented by two
// spaces, one scalar per line, strings plain or quoted on one line, `[]` for an empty list. parseSimpleYaml() reads exactly that shape and gives the value
// js-yaml gives. Anything else (flow collections, comments, anchors, tags, block or multi-line scalars, tabs, CRs,
// duplicate keys, any scalar whose meaning it is not sure of...) returns undefined, and the caller uses Astro's
// parser for that file, errors and their line numbers included. So a file reads the same either way, only faster
// in the common case; tests/site/front-matter.test.ts compares both on the fixtures, generated recaps and edge cases.

import type { Loader, LoaderContext } from 'astro/loaders';

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** A line of the front matter: its indentation and the rest. */
interface Line {
  indent: number;
  text: string;
}

class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
/** Double-quoted strings whose escapes mean the same in JSON and YAML, plus YAML's \\UXXXXXXXX (js-yaml's dump writes it). */
const DOUBLE_QUOTED = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8})*"$/;
const SINGLE_QUOTED = /^'(?:[^']|'')*'$/;
/** Plain scalars js-yaml resolves to something other than a string (null, booleans, numbers, dates, merge keys). */
const NULL = /^(?:~|null|Null|NULL)$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const DECIMAL_INT = /^-?(?:0|[1-9][0-9]*)$/;
const SIMPLE_FLOAT = /^-?(?:0|[1-9][0-9]*)\.[0-9]+$/;
/** YAML indicators: a plain scalar starting with one is not simple. */
const RISKY_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Supersets of what js-yaml 4 (Astro's) resolves to an integer, a float (its YAML_FLOAT_PATTERN) or a timestamp. */
const MAYBE_INT = /^[-+]?(?:0[bxo][0-9a-fA-F]*|[0-9]+)$/;
const MAYBE_FLOAT = /^(?:[-+]?(?:[0-9]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const MAYBE_DATE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
/** Anything but newlines and printable characters of the Basic Multilingual Plane: then NON_PRINTABLE decides. */
const OUTSIDE_PRINTABLE_BMP = /[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]/;
/** js-yaml's PATTERN_NON_PRINTABLE: it refuses streams with these. */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

function plainScalar(text: string): Value {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  // `: ` would start a mapping, ` #` a comment; a trailing `:` makes a key.
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return unsupported();
  if (/^[-+.0-9]/.test(text)) {
    if (DECIMAL_INT.test(text) || SIMPLE_FLOAT.test(text)) {
      const n = Number(text);
      // js-yaml reads the integer `-0` as 0 (and the float `-0.0` as -0).
      if (n === 0 && DECIMAL_INT.test(text)) return 0;
      // Beyond safe integers js-yaml's parseInt may round differently, and a decimal too large for a number is a
      // string to js-yaml, not Infinity: leave those to it.
      return Number.isSafeInteger(n) || (!DECIMAL_INT.test(text) && Number.isFinite(n)) ? n : unsupported();
    }
    // A scalar that starts with a digit and cannot be a number or a date (a commit sha, a version "0.1.0") is a
    // string; anything that might be one, or starts with a sign or a dot, goes to js-yaml.
    return /^[0-9]/.test(text) && !MAYBE_INT.test(text) && !MAYBE_FLOAT.test(text) && !MAYBE_DATE.test(text) ? text : unsupported();
  }
  if (RISKY_START.test(text) || text === '<<') return unsupported();
  return text;
}

function doubleQuoted(text: string): string {
  // Escapes are read left to right in pairs, so `\\\\U...` stays a backslash and a U.
  const json = text.replace(/\\(?:U([0-9a-fA-F]{8})|[^])/g, (escape, hex: string | undefined) => {
    if (hex === undefined) return escape;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) unsupported();
    return JSON.stringify(String.fromCodePoint(code)).slice(1, -1);
  });
  return JSON.parse(json) as string;
}

function scalar(text: string): Value {
  // More than one space after the colon: js-yaml skips them; so rare in practice that js-yaml may read it.
  if (text[0] === ' ') return unsupported();
  if (text === '[]') return [];
  if (text === '{}') return {};
  const first = text[0];
  if (first === "'") return SINGLE_QUOTED.test(text) ? text.slice(1, -1).replace(/''/g, "'") : unsupported();
  if (first === '"') return DOUBLE_QUOTED.test(text) ? doubleQuoted(text) : unsupported();
  return plainScalar(text);
}

class Reader {
  i = 0;
  readonly lines: Line[];
  constructor(lines: Line[]) {
    this.lines = lines;
  }

  /** A block (mapping or sequence) whose lines are at exactly `indent`. */
  block(indent: number): Value {
    const line = this.lines[this.i]!;
    if (line.indent !== indent) unsupported();
    return line.text === '-' || line.text.startsWith('- ') ? this.sequence(indent) : this.mapping(indent);
  }

  /** The value after `key:` with nothing on its line: a nested block, or null. */
  nested(indent: number): Value {
    const next = this.lines[this.i];
    if (!next || next.indent <= indent) {
      // A sequence at the key's own indentation is valid YAML, but not what the publisher writes.
      if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) unsupported();
      return null;
    }
    return this.block(next.indent);
  }

  mapping(indent: number): Value {
    const out: { [key: string]: Value } = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent) unsupported();
      const m = KEY.exec(line.text);
      if (!m) return unsupported();
      const key = m[1]!;
      // js-yaml reads a key `True` or `NULL` as a boolean or null and names it "true" or "null".
      if (key === '__proto__' || Object.hasOwn(out, key) || NULL.test(key) || BOOL.test(key)) unsupported();
      this.i++;
      out[key] = m[2] === undefined || m[2] === '' ? this.nested(indent) : scalar(m[2]);
    }
    return out;
  }

  sequence(indent: number): Value {
    const out: Value[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || !line.text.startsWith('- ')) unsupported();
      const rest = line.text.slice(2);
      if (rest === '' || rest[0] === ' ' || rest.startsWith('- ') || rest === '-') unsupported();
      if (KEY.test(rest)) {
        // `- key: value`: a mapping whose first line starts after the dash.
        this.lines[this.i] = { indent: indent + 2, text: rest };
        out.push(this.mapping(indent + 2));
      } else {
        this.i++;
        out.push(scalar(rest));
      }
    }
    return out;
  }
}

/**
 * The value js-yaml's `load` gives for `yaml`, when `yaml` has the shape the publisher writes (see above);
 * undefined when it has not, or when this reader is not sure: parse it with js-yaml then.
 */
export function parseSimpleYaml(yaml: string): Record<string, unknown> | undefined {
  // Tabs, CRs, a BOM, and what js-yaml rejects as non-printable (control characters, lone surrogates).
  if (/[\t\r\ufeff\x85\u2028\u2029]/.test(yaml) || (OUTSIDE_PRINTABLE_BMP.test(yaml) && NON_PRINTABLE.test(yaml))) return undefined;
  const lines: Line[] = [];
  for (const raw of yaml.split('\n')) {
    // Only spaces indent, and only spaces (tabs are refused above) are YAML's white space: String#trim would also
    // take U+3000, U+00A0 and the like, which js-yaml keeps in a value or refuses as indentation.
    const text = raw.replace(/^ +/, '');
    if (text === '') continue;
    if (text.startsWith('#') || text.startsWith('---') || text.startsWith('...') || text.startsWith('%')) return undefined;
    // Trailing spaces: js-yaml drops them after plain scalars and quotes alike; dropping them here is the same.
    lines.push({ indent: raw.length - text.length, text: text.replace(/ +$/, '') });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const reader = new Reader(lines);
    const value = reader.mapping(0);
    return reader.i === lines.length ? (value as Record<string, unknown>) : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

// Front matter as Astro finds it (@astrojs/internal-helpers/frontmatter: extractFrontmatter).
const FRONTMATTER = /(?:^\uFEFF?|^\s*\n)(?:---|\+\+\+)([\s\S]*?\n)(?:---|\+\+\+)/;
const FRONTMATTER_TYPE = /(?:^\uFEFF?|^\s*\n)(---|\+\+\+)/;

/**
 * What Astro's Markdown entry type reads from a file (astro/dist/vite-plugin-markdown/content-entry-type.js
 * getEntryInfo: data, body, slug, rawData), when its front matter is YAML of the publisher's shape; undefined
 * otherwise (TOML, no front matter, anything parseSimpleYaml leaves to js-yaml).
 */
export function readSimpleEntry(contents: string): { data: Record<string, unknown>; body: string; slug: unknown; rawData: string } | undefined {
  const raw = FRONTMATTER.exec(contents)?.[1];
  if (raw === undefined || FRONTMATTER_TYPE.exec(contents)?.[1] !== '---') return undefined;
  const data = parseSimpleYaml(raw);
  if (data === undefined) return undefined;
  // Astro blanks the front matter out with spaces and trims: the same as removing it and trimming.
  const body = contents.replace(`---${raw}---`, '').trim();
  return { data, body, slug: data.slug, rawData: raw };
}

/** Logged when the fast reader cannot be installed (tests/site/build.test.ts checks the build never says it). */
export const FALLBACK_WARNING = 'fast front-matter reader unavailable, using js-yaml for every recap';

/** What a loader's context knows of an entry type (Astro's content layer passes `entryTypes`, by extension). */
interface EntryType {
  getEntryInfo(params: { contents: string; fileUrl: URL }): Promise<unknown>;
}

/**
 * `loader` (Astro's glob loader) reading Markdown front matter with readSimpleEntry() first: the publisher's files
 * are read without js-yaml, any other file by Astro's Markdown entry type as before. Everything else (watching,
 * digests, validation with the schema, rendering, the store) is the loader's own.
 */
export function withFastFrontmatter(loader: Loader): Loader {
  return {
    ...loader,
    load(context: LoaderContext) {
      const entryTypes = (context as unknown as { entryTypes?: Map<string, EntryType> }).entryTypes;
      const markdown = entryTypes?.get('.md');
      if (!entryTypes || !markdown) {
        // `entryTypes` is not part of Astro's documented loader context: say so if it goes away.
        context.logger.warn(`${FALLBACK_WARNING}: the loader context has no Markdown entry type`);
        return loader.load(context);
      }
      const fast: EntryType = {
        ...markdown,
        getEntryInfo(params) {
          const entry = readSimpleEntry(params.contents);
          return entry ? Promise.resolve(entry) : markdown.getEntryInfo(params);
        },
      };
      const types = new Map(entryTypes);
      types.set('.md', fast);
      return loader.load({ ...context, entryTypes: types } as unknown as LoaderContext);
    },
  };
}
