import { loadConfig, parseSet } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors/index.js';
import { tempDir, writeFile } from '../helpers/temp.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('defaults validate and carry documented values', () => {
    const { config, warnings } = loadConfig();
    expect(config.env.lookback).toBe(5);
    expect(config.agent.layers).toEqual([32, 32]);
    expect(config.agent.replay).toMatchObject({ prioritized: true, alpha: 0.6, betaStart: 0.4 });
    expect(warnings).toEqual([]);
  });

  test('sources apply in order: defaults, preset, file, named flags, --set', () => {
    const file = writeFile(tmp.dir, 'c.yaml', 'windows:\n  train: 700\n  test: 90\nseed: 5\n');
    const { config } = loadConfig({
      preset: 'quick',
      configFile: file,
      flags: { seed: 6, data: 'x.csv' },
      sets: ['windows.test=80', 'agent.layers=[32, 16]'],
    });
    expect(config.windows).toMatchObject({ train: 700, validation: 100, test: 80 });
    expect(config.seed).toBe(6);
    expect(config.data.path).toBe('x.csv');
    expect(config.agent.layers).toEqual([32, 16]);
  });

  test('features: the settings of before still read as before; a list mixes built-ins and SQL; names must differ', () => {
    expect(loadConfig().config.features).toEqual({ extra: [], volatilityWindow: 20, rsiWindow: 14, smaWindow: 20 });
    const file = writeFile(
      tmp.dir,
      'features.yaml',
      'features:\n  - name: returns\n  - name: volatility\n    window: 30\n  - name: mom_20\n    sql: close / lag(close, 20) OVER w - 1\n',
    );
    expect(loadConfig({ configFile: file }).config.features).toEqual([
      { name: 'returns' },
      { name: 'volatility', window: 30 },
      { name: 'mom_20', sql: 'close / lag(close, 20) OVER w - 1' },
    ]);
    const twice = writeFile(tmp.dir, 'twice.yaml', 'features:\n  - name: mom\n    sql: close\n  - name: mom\n    sql: open\n');
    expect(problems(() => loadConfig({ configFile: twice }))).toEqual(['features: mom listed more than once; each feature needs its own name']);
    const cased = writeFile(tmp.dir, 'cased.yaml', 'features:\n  - name: mom\n    sql: close\n  - name: MOM\n    sql: open\n');
    expect(problems(() => loadConfig({ configFile: cased }))).toEqual(['features: MOM listed more than once; each feature needs its own name']);
    for (const name of ['volatility_20', 'logReturn', 'RSI_14', 'returns']) {
      const builtin = writeFile(tmp.dir, 'builtin.yaml', `features:\n  - name: volatility\n  - name: ${name}\n    sql: close\n`);
      expect(problems(() => loadConfig({ configFile: builtin })).join('\n')).toContain(
        `features: ${name} named like a built-in feature or one of its columns`,
      );
    }
    const badName = writeFile(tmp.dir, 'bad-name.yaml', 'features:\n  - name: "mom 20"\n    sql: close\n');
    expect(problems(() => loadConfig({ configFile: badName })).join('\n')).toMatch(/features/);
  });

  test('JSON config files work too', () => {
    const file = writeFile(tmp.dir, 'c.json', JSON.stringify({ env: { costBps: 2 } }));
    expect(loadConfig({ configFile: file }).config.env.costBps).toBe(2);
  });

  test.each([
    [
      'a value out of range names key, value and bound',
      ['windows.train=-5'],
      /^windows\.train: got -5; Too small: expected number to be >=1 \(Rows in the training segment/,
    ],
    ['an enum lists the allowed values', ['windows.mode=weekly'], /^windows\.mode: got "weekly"; .*"rolling"\|"anchored"/],
    ['a wrong type', ['agent.gamma=high'], /^agent\.gamma: got "high"; expected number/],
    ['an unknown key lists the allowed keys', ['windows.trian=5'], /^windows\.trian: unknown setting; allowed here: mode, train, validation/],
    ['a malformed --set', ['windows.train'], /^--set: got "windows\.train"; expected dotted\.key=value/],
    [
      'learningStarts must be below timesteps',
      ['training.timesteps=500'],
      /agent\.learningStarts \(1000\) must be less than training\.timesteps \(500\)/,
    ],
    [
      'weight decay must leave a positive factor',
      ['agent.weightDecay=4000'],
      /agent\.learningRate \* agent\.weightDecay \(0\.0003 \* 4000\) must be below 1/,
    ],
    ['weight decay is not negative', ['agent.weightDecay=-1'], /^agent\.weightDecay: got -1; Too small: expected number to be >=0/],
    ['batch must fit the buffer', ['agent.bufferSize=10'], /agent\.batchSize \(64\) must be at most agent\.bufferSize \(10\)/],
    ['validation 0 needs selection.on=last', ['windows.validation=0'], /windows\.validation is 0.*selection\.on=last/],
    [
      'train must exceed the feature warm-up',
      ['windows.train=20', 'env.lookback=30'],
      /windows\.train \(20\) must exceed the feature warm-up of 30 rows/,
    ],
  ])('%s', (_name, sets, message) => {
    const found = problems(() => loadConfig({ sets }));
    expect(found.some((p) => message.test(p))).toBe(true);
  });

  test('every problem is reported at once', () => {
    expect(problems(() => loadConfig({ sets: ['windows.train=-5', 'agent.gamma=2', 'env.costBps=-1'] }))).toHaveLength(3);
  });

  test.each([
    [
      'a target update interval longer than the run',
      ['agent.targetUpdateInterval=20000'],
      /targetUpdateInterval \(20000\) exceeds training\.timesteps/,
    ],
    ['an evaluation interval longer than the run', ['training.evalFreq=50000'], /evalFreq \(50000\) exceeds training\.timesteps/],
  ])('warns on %s', (_name, sets, message) => {
    const { warnings } = loadConfig({ sets });
    expect(warnings.some((w) => message.test(w))).toBe(true);
  });

  test('a bad preset, a missing or malformed file are config errors', () => {
    expect(problems(() => loadConfig({ preset: 'turbo' }))[0]).toMatch(/--preset: got "turbo"; allowed: quick, panel/);
    expect(problems(() => loadConfig({ configFile: `${tmp.dir}/none.yaml` }))[0]).toMatch(/cannot read .*none\.yaml: ENOENT/);
    const bad = writeFile(tmp.dir, 'bad.json', '{ nope');
    expect(problems(() => loadConfig({ configFile: bad }))[0]).toMatch(/bad\.json is not valid JSON/);
    const txt = writeFile(tmp.dir, 'c.txt', 'a: 1');
    expect(problems(() => loadConfig({ configFile: txt }))[0]).toMatch(/must end in \.json, \.yaml or \.yml/);
  });

  test.each([
    [
      'a list that holds itself',
      'agent:\n  layers: &x [*x]\n',
      /loop\.yaml is not valid YAML: the alias \*x at line 2, column 15 is inside its own anchor &x/,
    ],
    [
      'a mapping that holds itself',
      'agent: &a\n  layers: *a\n',
      /loop\.yaml is not valid YAML: the alias \*a at line 2, column 11 is inside its own anchor &a/,
    ],
    ['an anchor defined again around its own alias', 'seed: &s 1\nagent: &s {layers: [*s]}\n', /the alias \*s at line 2, column 21/],
  ])('a YAML anchor used inside itself (%s) is a one-line config error naming the file and the place', (_name, text, message) => {
    const found = problems(() => loadConfig({ configFile: writeFile(tmp.dir, 'loop.yaml', text) }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).not.toContain('\n');
  });

  test('an anchor used after it is complete is fine, and a --set value with an anchor inside itself is just a wrong value', () => {
    const file = writeFile(tmp.dir, 'reuse.yaml', 'windows: {train: &n 400, validation: *n}\n');
    expect(loadConfig({ configFile: file }).config.windows).toMatchObject({ train: 400, validation: 400 });
    expect(problems(() => loadConfig({ sets: ['seed=&x [*x]'] }))[0]).toMatch(/^seed: got "&x \[\*x\]"; expected number/);
  });

  test('--set reads values as YAML scalars and lists', () => {
    expect(parseSet('a.b.c=12')).toEqual({ a: { b: { c: 12 } } });
    expect(parseSet('x=true')).toEqual({ x: true });
    expect(parseSet('x=null')).toEqual({ x: null });
    expect(parseSet('data.path=my file.csv')).toEqual({ data: { path: 'my file.csv' } });
    expect(parseSet('l=[1, 2]')).toEqual({ l: [1, 2] });
  });
});
