import { readFileSync } from 'node:fs';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { Rng } from '../../src/random/rng.js';
import { tempDir, writeFile } from '../helpers/temp.js';

/**
 * DuckDB converts every numeric cell; a run must see the numbers JavaScript's Number() reads from the same text, bit
 * for bit, or results would change with the loader. Both round correctly, which these tables check on the cells a
 * user's file holds and on the hardest cases known for decimal-to-binary conversion.
 */
describe('numeric cells read by DuckDB equal Number() of their text', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const options = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as const };

  const expectSameBits = (texts: string[], values: Float64Array) => {
    const wrong = texts.filter((text, i) => !Object.is(values[i], Number(text)));
    expect(wrong.slice(0, 5)).toEqual([]);
  };

  test('every cell of the bundled S&P 500 file', async () => {
    const lines = readFileSync('data/sp500-2000.csv', 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const s = await loadPriceSeries({ ...options, path: 'data/sp500-2000.csv' });
    for (const column of header.filter((h) => h !== 'date')) {
      const k = header.indexOf(column);
      expectSameBits(
        lines.slice(1).map((l) => l.split(',')[k]),
        s.columns[column],
      );
    }
  });

  test('200,000 random decimals of up to 19 significant digits and exponents across the range, and known hard cases', async () => {
    const rng = Rng.fromSeed(11);
    const texts: string[] = [];
    for (let k = 0; k < 200_000; k++) {
      const digits = 1 + rng.int(19);
      let mantissa = String(1 + rng.int(9));
      for (let d = 1; d < digits; d++) mantissa += String(rng.int(10));
      const point = rng.int(digits + 1);
      const decimal = point < digits ? `${mantissa.slice(0, point) || '0'}.${mantissa.slice(point)}` : mantissa;
      const exponent = rng.int(3) === 0 ? `e${rng.int(580) - 300}` : ''; // finite and positive: a price cannot be 0 or infinite
      texts.push(`${decimal}${exponent}`);
    }
    const hard = [
      '9007199254740993', // 2^53 + 1: halfway between two doubles
      '9007199254740992.5',
      '0.1',
      '0.30000000000000004',
      '2.2250738585072011e-308', // the largest subnormal's neighbourhood (PHP and Java once hung here)
      '2.2250738585072012e-308',
      '4.9406564584124654e-324',
      '2.4703282292062328e-324', // just above half the smallest subnormal: rounds up
      '1.7976931348623157e308',
      '1.7976931348623158e308', // rounds down to the largest double
      '7.038531e-26', // a case fast paths got wrong (Clinger)
      '1469.250000',
      '1455.219971',
      '123456789012345678901234567890',
      '0.000001000000000000000000000000000000000000001',
    ];
    texts.push(...hard);
    const file = writeFile(tmp.dir, 'decimals.csv', `close,signed\n${texts.map((t, i) => `${t},${i % 2 ? '-' : ''}${t}`).join('\n')}\n`);
    const s = await loadPriceSeries({ ...options, path: file });
    expectSameBits(texts, s.price);
    expectSameBits(
      texts.map((t, i) => `${i % 2 ? '-' : ''}${t}`),
      s.columns.signed,
    );
  });
});
