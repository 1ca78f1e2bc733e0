import { clip, quote, QUOTE_LIMIT } from '../../src/errors/index.js';

describe('quoting input in messages', () => {
  test.each([
    ['short text as it is', 'abc', 'abc'],
    ['control characters escaped', 'a\r\nb\tc\u001b[31m', 'a\\r\\nb\\tc\\x1b[31m'],
    ['long text cut, saying how much is left', 'x'.repeat(5000), `${'x'.repeat(QUOTE_LIMIT)}… (${5000 - QUOTE_LIMIT} more characters)`],
    ['exactly the limit kept whole', 'y'.repeat(QUOTE_LIMIT), 'y'.repeat(QUOTE_LIMIT)],
  ])('%s', (_name, input, expected) => {
    expect(clip(input)).toBe(expected);
  });

  test('a cut never splits a surrogate pair or an escape, and stays near the limit', () => {
    const emoji = `${'a'.repeat(QUOTE_LIMIT - 1)}😀${'b'.repeat(50)}`;
    expect(clip(emoji)).toBe(`${'a'.repeat(QUOTE_LIMIT - 1)}😀… (50 more characters)`);
    const controls = clip('\u0001'.repeat(1000));
    expect(controls.startsWith('\\x01'.repeat(25))).toBe(true);
    expect(controls.length).toBeLessThan(QUOTE_LIMIT + 40);
  });

  test('quote wraps the clipped text in double quotes', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('abcdef', 3)).toBe('"abc… (3 more characters)"');
  });
});
