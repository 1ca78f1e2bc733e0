import { computeFeatures, type FeatureSet } from '../../src/data/features.js';
import { gateBuiltins } from '../../src/data/lookahead-gate.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { DataError } from '../../src/errors/index.js';
import { ar1Prices } from '../helpers/synthetic.js';
import { tempDir, writeFile } from '../helpers/temp.js';

/** Two instruments of OHLCV over 120 business days in long format. */
function panel(): string {
  const a = ar1Prices(120, 0.3, 0.01, 5);
  const b = ar1Prices(120, -0.1, 0.02, 6);
  const rows = ['date,symbol,high,low,close,volume'];
  for (let i = 0; i < 120; i++) {
    const date = new Date(Date.UTC(2022, 0, 3) + i * 86_400_000).toISOString().slice(0, 10);
    for (const [symbol, p] of [['AAA', a[i]], ['BBB', b[i]]] as const) {
      rows.push(`${date},${symbol},${(p * 1.01).toFixed(6)},${(p * 0.99).toFixed(6)},${p.toFixed(6)},${1000 + ((i * 41) % 300)}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

const CUTS = [15, 47, 80, 118];

describe('the look-ahead gate', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const path = writeFile(tmp.dir, 'panel.csv', panel());
  const gate = (sql: string) =>
    loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', symbol: 'AAA', features: [{ name: 'f', sql }], gateCuts: () => CUTS });

  test.each([
    ['the next bar (lead)', 'lead(close, 1) OVER w / close - 1'],
    ['a whole-series mean', 'close / avg(close) OVER (PARTITION BY symbol) - 1'],
    ['a whole-series max', 'close / max(close) OVER (PARTITION BY symbol)'],
    ['a centred window', 'avg(close) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING)'],
    ['a cross-sectional statistic taken over all dates', 'close / avg(close) OVER ()'],
    ['a normalisation by the last price', 'close / last_value(close) OVER (PARTITION BY symbol ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)'],
  ])('%s is refused naming the feature, the symbol, the date and both values', async (_kind, sql) => {
    let error: Error | null = null;
    try {
      await gate(sql);
    } catch (err) {
      error = err as Error;
    }
    expect(error).toBeInstanceOf(DataError);
    expect(error?.message).toMatch(
      /panel\.csv: feature f uses the future: on 2022-\d\d-\d\d of (AAA|BBB) it is (-?[\d.e+-]+|NaN) computed on all the data but (-?[\d.e+-]+|NaN) on the data cut at 2022-\d\d-\d\d; a feature on a date may use bars up to that date only$/,
    );
  });

  test('a lead is named at the first cut, on the cut date itself, with the value it read from the next bar', async () => {
    const error = await gate('lead(close, 1) OVER w / close - 1').catch((err: Error) => err);
    const found = /on (\S+) of (AAA|BBB) it is (\S+) computed on all the data but (\S+) on the data cut at (\S+);/.exec(String((error as Error).message));
    expect(found).not.toBeNull();
    const [, date, symbol, full, cut, cutDate] = found as RegExpExecArray;
    const day = (row: number) => new Date(Date.UTC(2022, 0, 3) + row * 86_400_000).toISOString().slice(0, 10);
    expect([date, cutDate, cut]).toEqual([day(CUTS[0]), day(CUTS[0]), 'NaN']);
    // The close as written (6 decimals), read back: the feature's value on the cut date is the next bar's close over it.
    const close = (row: number) => Number((symbol === 'AAA' ? ar1Prices(120, 0.3, 0.01, 5) : ar1Prices(120, -0.1, 0.02, 6))[row].toFixed(6));
    expect(Number(full)).toBeCloseTo(close(CUTS[0] + 1) / close(CUTS[0]) - 1, 12);
  });

  test("causal features pass: the issue's examples, a rank across symbols of the same date, a lag", async () => {
    const s = await loadPriceSeries({
      path,
      priceColumn: 'close',
      dateColumn: 'date',
      fillMissing: 'none',
      symbol: 'BBB',
      gateCuts: () => CUTS,
      features: [
        { name: 'mom_20', sql: 'close / lag(close, 20) OVER w - 1' },
        { name: 'range', sql: '(high - low) / close' },
        { name: 'vol_z', sql: '(volume - avg(volume) OVER (w ROWS 59 PRECEDING)) / stddev(volume) OVER (w ROWS 59 PRECEDING)' },
        { name: 'mom_rank', sql: 'rank() OVER (PARTITION BY date ORDER BY mom_20)' },
        { name: 'dist_mean', sql: 'close / avg(close) OVER (w ROWS 19 PRECEDING) - 1' },
      ],
    });
    expect(s.gateCuts).toEqual(CUTS);
    expect(Object.keys(s.features)).toEqual(['mom_20', 'range', 'vol_z', 'mom_rank', 'dist_mean']);
  });

  test('the built-ins pass; a volatility with a centred window, the bug it would have been, is caught by name', async () => {
    const price = ar1Prices(300, 0.2, 0.01, 9);
    const features = [{ name: 'returns' as const }, { name: 'volatility' as const, window: 10 }, { name: 'rsi' as const }, { name: 'smaRatio' as const }];
    const where = { symbol: 'X', dates: null, path: 'prices.csv' };
    expect(() => gateBuiltins(price, { lookback: 5 }, features, [40, 150, 299], where)).not.toThrow();
    const centred = (p: Float64Array, env: { lookback: number }, f: typeof features): FeatureSet => {
      const fs = computeFeatures(p, env, f);
      const column = fs.names.indexOf('volatility_10');
      for (let t = 5; t < fs.rows - 5; t++) {
        let sum = 0;
        let sq = 0;
        for (let i = t - 4; i <= t + 5; i++) sum += fs.logReturns[i];
        for (let i = t - 4; i <= t + 5; i++) sq += (fs.logReturns[i] - sum / 10) ** 2;
        fs.raw[t * fs.dim + column] = Math.sqrt(sq / 9);
      }
      return fs;
    };
    expect(() => gateBuiltins(price, { lookback: 5 }, features, [40, 150, 299], where, centred as never)).toThrow(
      /^prices\.csv: feature volatility_10 uses the future: on row \d+ of X it is [\d.e+-]+ computed on all the data but (NaN|[\d.e+-]+) on the data cut at row 41;/,
    );
  });
});
