import { plainDecimal, separatorHint } from '../../src/data/csv-cells.js';
import { Rng } from '../../src/random/rng.js';

const parse = (text: string) => plainDecimal(Buffer.from(text), 0, Buffer.byteLength(text));

describe('plainDecimal, the fast path for numeric cells', () => {
  test.each(['0', '-0', '+7', '1.', '0.1', '1469.250000', '-99.8765', '123456789012345', '0.00000000000001', '999999999999999', '1.79769313486231'])(
    '%s equals Number()',
    (text) => {
      expect(Object.is(parse(text), Number(text))).toBe(true);
    },
  );

  test.each(['', '.', '-', '1e5', '0x1F', ' 1', '1 ', '1.2.3', 'Infinity', 'NaN', '1,5', '1234567890123456', '0.000000000000001', '٣'])('%j is left to Number()', (text) => {
    expect(parse(text)).toBeUndefined();
  });

  test('agrees with Number() on 200k random decimals of up to 15 digits', () => {
    const rng = Rng.fromSeed(7);
    for (let k = 0; k < 200_000; k++) {
      const digits = 1 + rng.int(15);
      let text = '';
      for (let d = 0; d < digits; d++) text += String(rng.int(10));
      const point = rng.int(digits + 1);
      if (point < digits) text = `${text.slice(0, point)}.${text.slice(point)}`;
      if (rng.int(4) === 0) text = `-${text}`;
      const value = parse(text);
      if (!Object.is(value, Number(text))) throw new Error(`${text}: ${value} vs ${Number(text)}`);
    }
  });
});

describe('separatorHint', () => {
  test.each([
    ['date;close;open', /semicolons/],
    ['date\tclose', /tabs/],
    ['date|close', /vertical bars/],
    ['date,close', null],
    ['a;b,c,d', null],
  ])('%j', (line, expected) => {
    const hint = separatorHint(line);
    if (expected) expect(hint).toMatch(expected);
    else expect(hint).toBeNull();
  });
});
