// Property-based tests for the fast front-matter reader (site/lib/front-matter.ts): for any input it must either
// return exactly what js-yaml's load() returns (Astro's reader) or step aside (undefined). Never a different value,
// and never a value where js-yaml throws.
import { parseFrontmatter } from '@astrojs/internal-helpers/frontmatter';
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSimpleYaml, readSimpleEntry } from '../../site/lib/front-matter.ts';

/** Deep equality that tells -0 from 0, NaN from anything but NaN, and compares key order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
function reference(yaml: string): Outcome {
  try {
    return { ok: true, value: load(yaml) };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

/** JSON with every non-ASCII character escaped, so failures show invisible characters. */
const esc = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? `<number ${Object.is(x, -0) ? '-0' : x}>` : x))?.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The property: fast reader agrees with js-yaml or steps aside; if js-yaml throws, no value. */
const stats = { runs: 0, fast: 0 };
function check(yaml: string): void {
  stats.runs++;
  let fast: unknown;
  try {
    fast = parseSimpleYaml(yaml);
  } catch {
    return; // throwing is a way of not returning a value
  }
  if (fast === undefined) return;
  stats.fast++;
  const ref = reference(yaml);
  if (!ref.ok) throw new Error(`js-yaml throws (${ref.error.split('\n')[0]}) but the fast reader returns ${esc(fast)} for ${esc(yaml)}`);
  if (!same(fast, ref.value)) {
    throw new Error(`fast ${esc(fast)} !== js-yaml ${esc(ref.value)} for ${esc(yaml)}`);
  }
}

const PUBLISHER_DUMP = { lineWidth: -1, noRefs: true } as const;

const hostileFragments = [
  '', ' ', '  ', 'a', 'x y', ':', ': ', ' :', '#', ' #', '# ', "'", "''", '"', '\\', '\\U0001F389', '\\u00e9', '\\n',
  '---', '...', '- ', '-', '? ', '?', '&a', '*a', '!tag', '!!str', '%', '@', '`', '|', '>', '[', ']', '{', '}', ',',
  '\t', '\r', '\n', '\r\n', '\ufeff', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u1680', '\u2000',
  '\u2003', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufffe', '\uffff', '\ud83c\udf89', '\ud800',
  '\udc00', 'é', '日本', '1e3', '0x1F', '0o17', '0b11', '.inf', '-.inf', '.nan', 'null', 'Null', 'NULL', '~', 'true',
  'True', 'FALSE', 'yes', 'no', 'on', 'off', 'y', '2025-01-01', '2025-1-1 10:00:00', '12:30', '1_000', '0123', '-0',
  '-0.0', '+1', '.5', '1.', '<<', '=', 'http://x.y/a?b=c#d', '9cbef068', '0.1.0', '1e', '-foo', '<script>',
];

/** Strings of ordinary characters (what most titles are), so that many documents take the fast path. */
const mildChars = fc.constantFrom(...'abcXYZ019 .,:;!?#-_/()\'"\\@&*%`|>[]{}=+~<'.split(''), 'é', '日', '\ud83c\udf89', '\u00a0', '\u2003', '\u3000');
const mildString = fc.array(mildChars, { maxLength: 12 }).map((a) => a.join(''));

const hostileString = fc.oneof(
  { weight: 8, arbitrary: mildString },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...hostileFragments), { maxLength: 5 }).map((p) => p.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...hostileFragments) },
);

const identifierKey = fc.oneof(
  fc.constantFrom('title', 'a', 'b', '_', 'True', 'TRUE', 'False', 'FALSE', 'Null', 'NULL', 'null', 'true', 'false', 'yes', 'y', 'on', '__proto__', 'constructor', 'toString'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
);
const anyKey = fc.oneof({ weight: 12, arbitrary: identifierKey }, { weight: 1, arbitrary: hostileString });

const number = fc.oneof(
  fc.tuple(fc.constantFrom('', '-'), fc.integer({ min: 300, max: 320 }), fc.constantFrom('.0', '.5')).map(([sign, n, frac]) => `${sign}1${'0'.repeat(n)}${frac}`),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 0, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 0.1, 123456789012345680000),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(Number),
);

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    number,
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(anyKey, tie('value'), { maxKeys: 4 }),
}));

const topObject = fc.dictionary(anyKey, jsonValue, { minKeys: 1, maxKeys: 6 });

describe('parseSimpleYaml property tests', () => {
  // Each property must reach the fast path often, or it proves little.
  beforeEach(() => {
    stats.runs = 0;
    stats.fast = 0;
  });
  afterEach((ctx) => {
    console.log(`${ctx.task.name}: ${stats.fast}/${stats.runs} on the fast path`);
  });

  it('js-yaml dump output (publisher options): same value as js-yaml load, or steps aside', () => {
    fc.assert(
      fc.property(topObject, (obj) => {
        let yaml: string;
        try {
          yaml = dump(obj, PUBLISHER_DUMP);
        } catch {
          return; // not dumpable (e.g. NaN-free doubles are fine; safety net)
        }
        check(yaml);
      }),
      { numRuns: 5000 },
    );
  });

  // Line-grammar text close to the publisher's shape, with hostile indentation, keys and values.
  const indent = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('', '  ', '    ', '      ') },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(' ', '\u00a0', '\u3000', '\u2003', '\t', '\ufeff'), { maxLength: 4 }).map((a) => a.join('')) },
  );
  const valueText = fc.oneof(
    hostileString,
    fc.constantFrom('[]', '{}', "'it''s'", '"q"', '"\\U0001F389"', '"\\\\U0001F389"', '1', '-2', '0.5', '-0', '-0.0', '12345678901234567890'),
    hostileString.map((s) => `'${s.replace(/'/g, "''")}'`),
    hostileString.map((s) => JSON.stringify(s)),
  );
  const trailing = fc.constantFrom('', '', '', ' ', '  ', '\u00a0', '\u3000', '\u2003', ' # c');
  const line = fc.oneof(
    fc.tuple(indent, identifierKey, fc.constantFrom(': ', ':', ':  '), valueText, trailing).map(([i, k, s, v, t]) => `${i}${k}${s}${v}${t}`),
    fc.tuple(indent, identifierKey, trailing).map(([i, k, t]) => `${i}${k}:${t}`),
    fc.tuple(indent, valueText, trailing).map(([i, v, t]) => `${i}- ${v}${t}`),
    fc.tuple(indent, identifierKey, valueText).map(([i, k, v]) => `${i}- ${k}: ${v}`),
    fc.tuple(indent, identifierKey).map(([i, k]) => `${i}- ${k}:`),
    fc.tuple(indent, fc.constantFrom('', ' ', '\u00a0', '\u3000', '#', '---', '...', '-', '- ')).map(([i, t]) => `${i}${t}`),
  );
  const grammarText = fc.array(line, { minLength: 1, maxLength: 8 }).map((ls) => `${ls.join('\n')}\n`);

  it('line-grammar text: same value as js-yaml, or steps aside, never a value where js-yaml throws', () => {
    fc.assert(fc.property(grammarText, check), { numRuns: 5000 });
  });

  // Documents rendered by hand from a tree: structurally what the publisher writes (block mappings, sequences,
  // `- key: value` items), with any indentation step and raw scalar text js-yaml has to resolve itself.
  const numberish = fc.oneof(
    fc.stringMatching(/^[-+.]?[0-9][0-9._eE+\-xobA-Fa-f:]{0,8}$/),
    fc.stringMatching(/^[-+]?(?:0|[1-9][0-9]{0,20})(?:\.[0-9]{0,20})?(?:[eE][-+]?[0-9]{1,3})?$/),
    // Decimals long enough to overflow a double (js-yaml then keeps the string).
    fc.tuple(fc.constantFrom('', '-'), fc.integer({ min: 300, max: 320 }), fc.constantFrom('', '.0', '.5', '.')).map(([sign, n, frac]) => `${sign}1${'0'.repeat(n)}${frac}`),
    fc.constantFrom('.inf', '-.inf', '+.inf', '.nan', '.NaN', '1_000', '0x_1', '0b102', '0o8', '08', '09', '2025-01-01', '2025-1-1', '2025-01-01T10:00:00Z', '1:30', '-', '+', '.', '-.', '0.', '-0', '+0', '-0.0', '00', '0e0', '1e400', '-1e400', '9007199254740993', '-9007199254740993', '1e-400'),
  );
  const rawScalar = fc.oneof(
    { weight: 4, arbitrary: mildString.filter((t) => t.trim() === t && t !== '') },
    { weight: 3, arbitrary: numberish },
    { weight: 1, arbitrary: hostileString.filter((t) => !t.includes('\n')) },
    { weight: 1, arbitrary: mildString.map((t) => `'${t.replace(/'/g, "''")}'`) },
    { weight: 1, arbitrary: mildString.map((t) => JSON.stringify(t)) },
    { weight: 1, arbitrary: fc.constantFrom('[]', '{}', 'null', '~', 'true', 'False', 'yes', '<<', '"\\U0001F389"', '"\\U00110000"', '"\\ud800"', '"\\/"', '"\\x41"') },
  );
  type Tree = { kind: 'map'; entries: [string, Tree | string | null][] } | { kind: 'seq'; items: (Tree | string | null)[] };
  const { tree } = fc.letrec<{ tree: Tree; map: Tree; seq: Tree; child: Tree | string | null }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, tie('map'), tie('seq')),
    map: fc.array(fc.tuple(identifierKey, tie('child')), { minLength: 1, maxLength: 4 }).map((entries) => ({ kind: 'map' as const, entries })),
    seq: fc.array(fc.oneof(rawScalar, tie('map'), fc.constant(null)), { minLength: 1, maxLength: 4 }).map((items) => ({ kind: 'seq' as const, items })),
    child: fc.oneof({ depthSize: 'small' }, rawScalar, rawScalar, fc.constant(null), tie('tree')),
  }));
  function render(t: Tree, indent: number, step: number, out: string[]): void {
    const pad = ' '.repeat(indent);
    if (t.kind === 'map') {
      for (const [k, v] of t.entries) {
        if (v === null) out.push(`${pad}${k}:`);
        else if (typeof v === 'string') out.push(`${pad}${k}: ${v}`);
        else {
          out.push(`${pad}${k}:`);
          render(v, indent + step, step, out);
        }
      }
      return;
    }
    for (const item of t.items) {
      if (item === null) out.push(`${pad}-`);
      else if (typeof item === 'string') out.push(`${pad}- ${item}`);
      else if (item.kind === 'map') {
        const sub: string[] = [];
        render(item, indent + 2, step, sub);
        out.push(`${pad}- ${sub[0]!.slice(indent + 2)}`, ...sub.slice(1));
      }
    }
  }
  const renderedDoc = fc
    .tuple(fc.array(fc.tuple(identifierKey, fc.oneof(rawScalar, fc.constant(null), tree)), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 }), fc.boolean())
    .map(([entries, step, finalNewline]) => {
      const out: string[] = [];
      render({ kind: 'map', entries }, 0, step, out);
      return out.join('\n') + (finalNewline ? '\n' : '');
    });

  it('hand-rendered documents of the publisher shape with raw scalars: same value as js-yaml, or steps aside', () => {
    fc.assert(fc.property(renderedDoc, check), { numRuns: 5000 });
  });

  it('arbitrary text: same value as js-yaml, or steps aside', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.constantFrom(...hostileFragments, 'a: ', 'b:', '\n  ', '\n- ', '\n'), { maxLength: 12 }).map((a) => a.join(''))), check),
      { numRuns: 5000 },
    );
  });

  it('mutated dump output: same value as js-yaml, or steps aside', () => {
    fc.assert(
      fc.property(topObject, fc.nat(), fc.constantFrom(...hostileFragments, '\n', ' ', '  ', '\n  '), fc.boolean(), (obj, pos, insert, del) => {
        const yaml = dump(obj, PUBLISHER_DUMP);
        const p = pos % (yaml.length + 1);
        const mutated = del ? yaml.slice(0, p) + yaml.slice(p + 1) : yaml.slice(0, p) + insert + yaml.slice(p);
        check(mutated);
      }),
      { numRuns: 4000 },
    );
  });
});

describe('readSimpleEntry property tests', () => {
  function astroEntry(contents: string) {
    const parsed = parseFrontmatter(contents, { frontmatter: 'empty-with-spaces' });
    return { data: parsed.frontmatter, body: parsed.content.trim(), slug: parsed.frontmatter.slug, rawData: parsed.rawFrontmatter };
  }
  const body = fc.array(fc.constantFrom('', 'Body', '---', '...', '\n', '\r\n', ' ', '\ufeff', '+++', 'a: 1', '$&', "$'", '$`', '$$', '# h'), { maxLength: 8 }).map((a) => a.join(''));
  const prefix = fc.constantFrom('', '', '\ufeff', '\n', ' \n', '\r\n', '\n\n');
  const lineEnd = fc.constantFrom('\n', '\n', '\r\n');

  it('whole files: same entry as Astro, or steps aside', () => {
    fc.assert(
      fc.property(prefix, topObject, lineEnd, fc.boolean(), body, (pre, obj, eol, trailingNewline, b) => {
        const yaml = dump(obj, PUBLISHER_DUMP).replace(/\n/g, eol);
        const contents = `${pre}---${eol}${yaml}---${trailingNewline ? eol : ''}${b}`;
        let fast: ReturnType<typeof readSimpleEntry>;
        try {
          fast = readSimpleEntry(contents);
        } catch {
          return;
        }
        if (fast === undefined) return;
        let ref: ReturnType<typeof astroEntry>;
        try {
          ref = astroEntry(contents);
        } catch (err) {
          throw new Error(`Astro throws (${String(err).split('\n')[0]}) but the fast reader returns ${esc(fast)} for ${esc(contents)}`);
        }
        if (!same(fast, ref)) throw new Error(`fast ${esc(fast)} !== astro ${esc(ref)} for ${esc(contents)}`);
      }),
      { numRuns: 3000 },
    );
  });
});

// Sanity: the generators do reach the fast path (otherwise the properties prove nothing).
it('the generators reach the fast path often enough', () => {
  const samples = fc.sample(topObject, { numRuns: 1000, seed: 42 });
  const fast = samples.filter((o) => parseSimpleYaml(dump(o, PUBLISHER_DUMP)) !== undefined).length;
  expect(fast).toBeGreaterThan(100);
});
