// Minimal regressions found by tests/site/front-matter-fuzz.test.ts: in each, the fast reader returned a value that
// differed from js-yaml's (Astro's reader), or a value where js-yaml throws, instead of stepping aside (undefined).
// The test names say what it did; each now checks that it gives js-yaml's value or steps aside.
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseSimpleYaml } from '../../site/lib/front-matter.ts';

const PUBLISHER_DUMP = { lineWidth: -1, noRefs: true } as const;

/** The fast reader's value must be js-yaml's, or undefined. */
function expectSameOrStepsAside(yaml: string) {
  const fast = parseSimpleYaml(yaml);
  if (fast !== undefined) expect(fast).toStrictEqual(load(yaml));
}
/** Where js-yaml throws, the fast reader must not return a value. */
function expectNoValue(yaml: string) {
  expect(() => load(yaml)).toThrow();
  let fast: unknown;
  try {
    fast = parseSimpleYaml(yaml);
  } catch {
    return;
  }
  expect(fast).toBeUndefined();
}

describe('Unicode whitespace after a plain scalar (String.prototype.trimEnd is not YAML whitespace)', () => {
  it('dump writes a string that is an em space plain, and the fast reader reads null', () => {
    const yaml = dump({ title: '\u2003' }, PUBLISHER_DUMP);
    expect(yaml).toBe('title: \u2003\n'); // the publisher's shape: one plain scalar on the line
    expect(load(yaml)).toStrictEqual({ title: '\u2003' });
    expectSameOrStepsAside(yaml); // fast: { title: null }
  });

  it('dump writes a trailing ideographic space plain, and the fast reader drops it', () => {
    const yaml = dump({ title: 'x\u3000' }, PUBLISHER_DUMP);
    expect(yaml).toBe('title: x\u3000\n');
    expect(load(yaml)).toStrictEqual({ title: 'x\u3000' });
    expectSameOrStepsAside(yaml); // fast: { title: 'x' }
  });

  it('a no-break space after a quoted scalar: js-yaml throws, the fast reader returns a value', () => {
    expectNoValue("a: 'x'\u00a0\n"); // fast: { a: 'x' }
  });
});

describe('Unicode whitespace at the start of a line (String.prototype.trimStart is not YAML indentation)', () => {
  it('no-break spaces are counted as indentation', () => {
    const yaml = 'a:\n\u00a0\u00a0b: 1\n';
    expect(load(yaml)).toStrictEqual({ a: null, '\u00a0\u00a0b': 1 });
    expectSameOrStepsAside(yaml); // fast: { a: { b: 1 } }
  });

  it('a line of a no-break space is skipped as blank: js-yaml throws, the fast reader returns a value', () => {
    expectNoValue('a: 1\n\u00a0\n'); // fast: { a: 1 }
  });
});

describe('keys that js-yaml resolves to booleans or null', () => {
  it('True: becomes the key "true" in js-yaml, stays "True" in the fast reader', () => {
    expect(load('True: 1\n')).toStrictEqual({ true: 1 });
    expectSameOrStepsAside('True: 1\n'); // fast: { True: 1 }
  });

  it('NULL: becomes the key "null" in js-yaml', () => {
    expect(load('NULL: x\n')).toStrictEqual({ null: 'x' });
    expectSameOrStepsAside('NULL: x\n'); // fast: { NULL: 'x' }
  });

  it('True: and true: are duplicate keys for js-yaml (it throws), two keys for the fast reader', () => {
    expectNoValue('True: 1\ntrue: 2\n'); // fast: { True: 1, true: 2 }
  });
});

describe('decimals that overflow a double', () => {
  // js-yaml's float resolver rejects a plain decimal whose parseFloat is not finite: it stays a string, and
  // dump therefore writes such a string plain. The fast reader's SIMPLE_FLOAT branch returns Number(text).
  const big = `1${'0'.repeat(309)}.0`;

  it('dump writes the string plain; js-yaml reads the string, the fast reader Infinity', () => {
    const yaml = dump({ title: big }, PUBLISHER_DUMP);
    expect(yaml).toBe(`title: ${big}\n`);
    expect(load(yaml)).toStrictEqual({ title: big });
    expectSameOrStepsAside(yaml); // fast: { title: Infinity }
  });

  it('negative: -Infinity instead of the string', () => {
    const yaml = `a: -${big}\n`;
    expect(load(yaml)).toStrictEqual({ a: `-${big}` });
    expectSameOrStepsAside(yaml); // fast: { a: -Infinity }
  });
});
