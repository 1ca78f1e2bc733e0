import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotOwnedError, UsageError } from '../../src/errors/index.js';
import type { LedgerTrial } from '../../src/records/index.js';
import { appendTrial, checkLedger, ledgerFile, readLedger } from '../../src/store/trial-ledger.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const trial = (experiment: string, sharpe = 0.03): LedgerTrial => ({
  kind: 'trial',
  experiment,
  study: null,
  configHash: 'a'.repeat(64),
  seed: 7,
  dataSha256: 'd'.repeat(64),
  dataPath: 'data/prices.csv',
  testSegments: [[500, 750]],
  firstTestDate: '2002-01-02',
  lastTestDate: '2002-12-31',
  bars: 250,
  sharpe,
  mean: 0.0003,
  std: 0.01,
  skewness: 0.1,
  kurtosis: 3.2,
  periodsPerYear: 252,
  finishedAt: '2026-12-03T10:00:00.000Z',
});

/** Appends `count` trials from a separate Node process, through the same module the pipeline uses. */
function appender(root: string, tag: string, count: number): Promise<number | null> {
  const module = resolve(repoRoot, '.test-dist/store/trial-ledger.js');
  const script = `
    const { appendTrial } = await import(${JSON.stringify(module)});
    const base = JSON.parse(process.argv[1]);
    for (let i = 0; i < ${count}; i++) await appendTrial(${JSON.stringify(root)}, 'shared', { ...base, experiment: '${tag}-' + i });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(trial('x'))], { stdio: 'inherit' });
  return new Promise((done) => child.on('exit', (code) => done(code)));
}

describe('the trial ledger', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('the first append makes the folder (ours, with its marker) and the file (a header, then one line per trial)', async () => {
    const root = join(tmp.dir, 'first');
    mkdirSync(root);
    await appendTrial(root, 'default', trial('one'));
    const read = await appendTrial(root, 'default', trial('two'));
    expect(read.trials.map((t) => t.experiment)).toEqual(['one', 'two']);
    expect(read.warnings).toEqual([]);
    expect(existsSync(join(root, '_ledgers', '.wfo-owner.json'))).toBe(true);
    const lines = readFileSync(ledgerFile(root, 'default'), 'utf8').split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ product: 'wfo-rl', kind: 'trial-ledger', ledger: 'default' });
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  test('two processes appending at once lose no line and tear none', async () => {
    const root = join(tmp.dir, 'concurrent');
    mkdirSync(root);
    const codes = await Promise.all([appender(root, 'a', 60), appender(root, 'b', 60)]);
    expect(codes).toEqual([0, 0]);
    const read = await readLedger(root, 'shared');
    expect(read.warnings).toEqual([]);
    const names = read.trials.map((t) => t.experiment).sort();
    const expected = ['a', 'b'].flatMap((tag) => Array.from({ length: 60 }, (_, i) => `${tag}-${i}`)).sort();
    expect(names).toEqual(expected);
    // One header: whichever process created the file first wrote it, the other used it.
    expect(readFileSync(ledgerFile(root, 'shared'), 'utf8').match(/"trial-ledger"/g)).toHaveLength(1);
  }, 60_000);

  test('a torn last line is skipped with a warning, and the next trial starts a line of its own', async () => {
    const root = join(tmp.dir, 'torn');
    mkdirSync(root);
    await appendTrial(root, 'default', trial('before'));
    const file = ledgerFile(root, 'default');
    appendFileSync(file, JSON.stringify(trial('cut')).slice(0, 57));
    const torn = await readLedger(root, 'default');
    expect(torn.trials.map((t) => t.experiment)).toEqual(['before']);
    expect(torn.warnings).toEqual([`${file}: the last line is incomplete (a write cut short); skipped`]);
    // The append that closes the torn line says so once; later reads are quiet about it.
    const after = await appendTrial(root, 'default', trial('after'));
    expect(after.trials.map((t) => t.experiment)).toEqual(['before', 'after']);
    expect(after.warnings).toEqual(torn.warnings);
    const again = await readLedger(root, 'default');
    expect(again.trials.map((t) => t.experiment)).toEqual(['before', 'after']);
    expect(again.warnings).toEqual([]);
    // A line damaged otherwise (an edit) is told on every read.
    appendFileSync(file, '{"kind":"trial"}\n');
    expect((await readLedger(root, 'default')).warnings).toEqual([`${file}: line 6 is not a trial record; skipped`]);
  });

  test('a torn last line that happens to be a whole trial stays skipped once closed, as its warning said', async () => {
    const root = join(tmp.dir, 'torn-whole');
    mkdirSync(root);
    await appendTrial(root, 'default', trial('before'));
    const file = ledgerFile(root, 'default');
    appendFileSync(file, JSON.stringify(trial('no-newline')));
    const torn = await readLedger(root, 'default');
    expect(torn.trials.map((t) => t.experiment)).toEqual(['before']);
    const after = await appendTrial(root, 'default', trial('after'));
    expect(after.trials.map((t) => t.experiment)).toEqual(['before', 'after']);
    expect((await readLedger(root, 'default')).trials.map((t) => t.experiment)).toEqual(['before', 'after']);
  });

  test('a file or folder that is not ours is never written to', async () => {
    const root = join(tmp.dir, 'foreign');
    mkdirSync(join(root, '_ledgers'), { recursive: true });
    writeFileSync(join(root, '_ledgers', 'notes.txt'), 'mine\n');
    await expect(appendTrial(root, 'default', trial('x'))).rejects.toThrow(NotOwnedError);
    await expect(checkLedger(root, 'default')).rejects.toThrow(
      /refusing to use .*_ledgers: it holds notes.txt but is not a folder of trial ledgers of wfo-rl/,
    );
    expect(existsSync(join(root, '_ledgers', 'default.jsonl'))).toBe(false);

    const other = join(tmp.dir, 'foreign-file');
    mkdirSync(other);
    await appendTrial(other, 'default', trial('ok'));
    const file = join(other, '_ledgers', 'mine.jsonl');
    writeFileSync(file, 'my own notes\n');
    await expect(appendTrial(other, 'mine', trial('x'))).rejects.toThrow(
      `refusing to use ${file} as a trial ledger: its first line is not the header of a trial ledger of wfo-rl; nothing was written to it`,
    );
    expect(readFileSync(file, 'utf8')).toBe('my own notes\n');
    // An empty file there is not a ledger of ours either (ours start with their header).
    const empty = join(other, '_ledgers', 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(appendTrial(other, 'empty', trial('x'))).rejects.toThrow(/it is empty/);
    expect(readFileSync(empty, 'utf8')).toBe('');

    // A link where the ledgers folder goes would lead the writes elsewhere, even to an empty folder.
    const linked = join(tmp.dir, 'linked');
    mkdirSync(join(tmp.dir, 'elsewhere'));
    mkdirSync(linked);
    symlinkSync(join(tmp.dir, 'elsewhere'), join(linked, '_ledgers'));
    await expect(appendTrial(linked, 'default', trial('x'))).rejects.toThrow(/refusing to write in .*_ledgers: it is a symbolic link/);
    expect(readdirSync(join(tmp.dir, 'elsewhere'))).toEqual([]);
  });

  test("a ledger's name cannot leave the ledgers folder", async () => {
    for (const name of ['../up', 'a/b', '', '.hidden']) {
      await expect(appendTrial(tmp.dir, name, trial('x'))).rejects.toThrow(UsageError);
    }
  });
});
