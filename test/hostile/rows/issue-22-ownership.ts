/**
 * Issue 22 (hostile inputs, round three): files and folders the program does not own (items 1-3), synth's ranges
 * (13) and permission refusals named as such (14).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { collect, repoRoot, startCli } from '../../helpers/cli.js';
import { syntheticSidecarSchema } from '../../../src/markets/synthetic-file.js';
import { at, canChattr, cli, ID, walk, type Case, type Outcome, type Row } from '../harness.js';

/** The trial ledgers the base experiment's run left beside it. */
const LEDGERS = '_ledgers';

const MARKER = '.wfo-owner.json';
const kindOf = (p: string) => {
  const s = lstatSync(p);
  return s.isFIFO()
    ? 'fifo'
    : s.isSocket()
      ? 'socket'
      : s.isSymbolicLink()
        ? 'link'
        : s.isCharacterDevice()
          ? 'char'
          : s.isDirectory()
            ? 'dir'
            : 'file';
};
const fifo = (path: string) => {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.stderr}`);
};
/** A listening Unix socket at `path` (closed by the case's cleanup). */
const socket = (c: Case, path: string) =>
  new Promise<void>((resolve) => {
    const server = createServer().listen(path, () => resolve());
    c.cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  });
/** A character device node standing in for /dev/full (major 1, minor 7), made where the case may lose it. */
const deviceNode = (path: string) => {
  const r = spawnSync('mknod', [path, 'c', '1', '7']);
  if (r.status !== 0) throw new Error(`mknod ${path} failed: ${r.stderr}`);
};
const canMknod = (): string | null => {
  const probe = join(repoRoot, `.mknod-probe-${process.pid}`);
  const ok = spawnSync('mknod', [probe, 'c', '1', '7']).status === 0;
  rmSync(probe, { force: true });
  return ok ? null : 'mknod needs privileges this machine does not give';
};

/** synth of a short ar1 series into `out` (more flags may set another --bars). */
const synth = (out: string, ...more: string[]) =>
  cli(['synth', '--kind', 'ar1', ...(more.includes('--bars') ? [] : ['--bars', '200']), '--out', out, ...more]);
/** The folder the case's foreign "experiment" x lives in, set up as the issue's reproduction did. */
const foreign = (c: Case) => join(c.results, 'x');
const atX = (c: Case) => ['--experiment', 'x', '--results-dir', c.results];
const listing = (folder: string) => walk(folder).map((f) => `${f} ${kindOf(join(folder, f))}`);

function userFolder(c: Case): string[] {
  const x = foreign(c);
  mkdirSync(join(x, 'iterations', 'iter_1'), { recursive: true });
  mkdirSync(join(x, 'visualizations'));
  writeFileSync(join(x, 'iterations', 'iter_1', 'x.txt'), 'mine');
  writeFileSync(join(x, '.tmp-abc'), 'mine');
  writeFileSync(join(x, 'a.zip.tmp-1-deadbeef'), 'mine, though named like a temporary file of wfo');
  writeFileSync(join(x, 'report.html'), '<p>my report</p>');
  writeFileSync(join(x, 'visualizations', 'equity.png'), 'my chart');
  return listing(x);
}

/** The CLI, killed after `ms` (a command blocked on a FIFO must fail its row, not hang the table). */
async function cliWithin(ms: number, args: string[]): Promise<Outcome> {
  const child = startCli(args, { compiled: true });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const r = await collect(child);
  clearTimeout(timer);
  return { code: r.code, out: `${r.stdout}\n${r.stderr}${r.signal ? `\nkilled after ${ms} ms (blocked)` : ''}` };
}

/** The CLI run as an unprivileged user (root reads through chmod 000), compiled for this test run. */
function cliAsNobody(args: string[]): Promise<Outcome> {
  const child = spawn(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, join(repoRoot, '.test-dist/cli/main.js'), ...args],
    {
      cwd: '/',
      env: { PATH: process.env.PATH, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return collect(child).then((r) => ({ code: r.code, out: `${r.stdout}\n${r.stderr}` }));
}
const canRunAsNobody = (): string | null => {
  if (process.getuid?.() !== 0) return 'not root here: a chmod 000 folder already refuses this user (the other rows cover it)';
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', '0'], { cwd: '/' });
  return r.status === 0 ? null : 'setpriv cannot run node as nobody here';
};
/** Lets nobody reach the case's folders (mkdtemp makes them 0700), then locks `locked` with chmod 000. */
function lockFor(c: Case, locked: string): void {
  chmodSync(c.dir, 0o755);
  chmodSync(c.results, 0o755);
  chmodSync(locked, 0o000);
  c.cleanups.push(() => chmodSync(locked, 0o755));
}
const immutable = (c: Case, path: string) => {
  spawnSync('chattr', ['+i', path]);
  c.cleanups.push(() => void spawnSync('chattr', ['-i', path]));
};

export const ownershipRows: Row[] = [
  // 1: a path that is not a regular file of ours is never renamed over, written through or written beside
  {
    name: 'synth --out to a character device (standing in for /dev/full) is refused; the node stays and no sidecar is written',
    issue: 22,
    item: 1,
    skip: canMknod,
    setup: (c) => deviceNode(join(c.dir, 'outside', 'full')),
    run: (c) => synth(join(c.dir, 'outside', 'full')),
    code: 2,
    message: /--out .*outside\/full: it is a character device, not a regular file; choose another --out/,
    check: (c) => {
      expect(kindOf(join(c.dir, 'outside', 'full'))).toBe('char');
      expect(existsSync(join(c.dir, 'outside', 'full.json'))).toBe(false);
    },
  },
  ...(
    [
      ['a FIFO', 'fifo', (c: Case, p: string) => fifo(p), /it is a FIFO \(named pipe\), not a regular file/],
      ['a socket', 'socket', (c: Case, p: string) => socket(c, p), /it is a socket, not a regular file/],
      [
        'a symbolic link to a file outside the results folder',
        'link',
        (c: Case, p: string) => symlinkSync(join(c.dir, 'outside', 'victim.txt'), p),
        /it is a symbolic link, not a regular file/,
      ],
      ['a folder', 'dir', (c: Case, p: string) => mkdirSync(p), /is a folder; expected a file path/],
    ] as const
  ).map(([what, kind, make, message]): Row => ({
    name: `synth --out to ${what} is refused; it stays as it was and nothing is written beside it`,
    issue: 22,
    item: 1,
    setup: (c) => make(c, join(c.results, 'out.csv')),
    run: (c) => synth(join(c.results, 'out.csv')),
    code: 2,
    message,
    check: (c) => {
      expect(kindOf(join(c.results, 'out.csv'))).toBe(kind);
      expect(readdirSync(c.results).sort()).toEqual([LEDGERS, ID, 'out.csv']);
    },
  })),
  {
    name: 'synth --out to a regular file the user names overwrites it (they asked), with its sidecar; no temporary file stays',
    issue: 22,
    item: 1,
    setup: (c) => writeFileSync(join(c.results, 'out.csv'), 'old'),
    run: (c) => synth(join(c.results, 'out.csv')),
    code: 0,
    message: /Wrote .*results\/out\.csv: 200 rows/,
    check: (c) => {
      expect(readFileSync(join(c.results, 'out.csv'), 'utf8')).toMatch(/^date,close\n/);
      expect(readdirSync(c.results).sort()).toEqual([LEDGERS, ID, 'out.csv', 'out.csv.json']);
    },
  },
  {
    name: 'synth refuses an existing <out>.json that is not a sidecar it wrote, and leaves it as it was',
    issue: 22,
    item: 1,
    setup: (c) => writeFileSync(join(c.results, 'out.csv.json'), '{"mine": true}'),
    run: (c) => synth(join(c.results, 'out.csv')),
    code: 2,
    message: /out\.csv\.json exists and is not a sidecar synth wrote/,
    check: (c) => {
      expect(readFileSync(join(c.results, 'out.csv.json'), 'utf8')).toBe('{"mine": true}');
      expect(existsSync(join(c.results, 'out.csv'))).toBe(false);
    },
  },
  {
    name: "a FIFO in place of the experiment's run.log: walkforward refuses it at once instead of blocking on it",
    issue: 22,
    item: 1,
    setup: (c) => {
      rmSync(c.at('run.log'));
      fifo(c.at('run.log'));
    },
    run: (c) => cliWithin(60_000, ['walkforward', '--config', c.configFile, ...at(c), '--quiet']),
    code: 2,
    message: /refusing to write .*e1\/run\.log: it is a FIFO \(named pipe\), not a regular file this program wrote/,
    check: (c) => {
      expect(kindOf(c.at('run.log'))).toBe('fifo');
      expect(existsSync(c.at('.lock'))).toBe(false);
    },
  },
  {
    name: 'a FIFO in place of the lock: cleanup neither blocks reading it nor takes it over, it refuses it',
    issue: 22,
    item: 1,
    setup: (c) => fifo(c.at('.lock')),
    run: (c) => cliWithin(60_000, ['cleanup', ...at(c), '--keep-last', '1']),
    code: 2,
    message: /refusing to write .*e1\/\.lock: it is a FIFO/,
    check: (c) => expect(kindOf(c.at('.lock'))).toBe('fifo'),
  },
  {
    name: 'a plot replaced by a link to a file outside: report refuses to write through it; the file outside is untouched',
    issue: 22,
    item: 1,
    setup: (c) => {
      mkdirSync(c.at('visualizations'), { recursive: true });
      rmSync(c.at('visualizations/equity.png'), { force: true });
      symlinkSync(join(c.dir, 'outside', 'victim.txt'), c.at('visualizations/equity.png'));
    },
    run: (c) => cli(['report', ...at(c)]),
    code: 2,
    message: /refusing to write .*visualizations\/equity\.png: it is a symbolic link, not a regular file this program wrote/,
    check: (c) => expect(kindOf(c.at('visualizations/equity.png'))).toBe('link'),
  },
  {
    name: 'report.html replaced by a socket: report refuses it and the socket stays',
    issue: 22,
    item: 1,
    setup: async (c) => {
      rmSync(c.at('report.html'));
      await socket(c, c.at('report.html'));
    },
    run: (c) => cli(['report', ...at(c)]),
    code: 2,
    message: /refusing to write .*e1\/report\.html: it is a socket/,
    check: (c) => expect(kindOf(c.at('report.html'))).toBe('socket'),
  },
  {
    name: 'a cleanup journal that is a link to a file outside: cleanup refuses before removing anything',
    issue: 22,
    item: 1,
    setup: (c) => symlinkSync(join(c.dir, 'outside', 'victim.txt'), c.at('cleanup_journal.jsonl')),
    run: (c) => cli(['cleanup', ...at(c), '--keep-last', '1']),
    code: 2,
    message: /refusing to write .*e1\/cleanup_journal\.jsonl: it is a symbolic link/,
    check: (c) => expect(kindOf(c.at('cleanup_journal.jsonl'))).toBe('link'),
  },
  {
    name: 'checkpoint_index.json replaced by a FIFO: list reads around it instead of blocking, verify --repair refuses to write it',
    issue: 22,
    item: 1,
    setup: (c) => {
      rmSync(c.at('checkpoint_index.json'));
      fifo(c.at('checkpoint_index.json'));
    },
    run: (c) => cliWithin(60_000, ['verify', ...at(c), '--repair']),
    code: 2,
    message: /refusing to write .*e1\/checkpoint_index\.json: it is a FIFO/,
    mayChange: ['checkpoint_index.json'],
    check: async (c) => {
      const list = await cliWithin(60_000, ['list', ...at(c)]);
      expect(list.code).toBe(0);
      expect(list.out).toMatch(/checkpoint_index\.json is a FIFO \(named pipe\), not a regular file/);
      expect(kindOf(c.at('checkpoint_index.json'))).toBe('fifo');
    },
  },
  {
    name: 'a tensorboard folder that is a link to a folder outside: walkforward refuses it before writing',
    issue: 22,
    item: 1,
    setup: (c) => {
      rmSync(c.at('tensorboard'), { recursive: true });
      mkdirSync(join(c.dir, 'outside', 'boards'));
      symlinkSync(join(c.dir, 'outside', 'boards'), c.at('tensorboard'));
    },
    run: (c) => cli(['walkforward', '--config', c.configFile, ...at(c), '--quiet']),
    code: 2,
    message: /e1\/tensorboard is a symbolic link; the pipeline writes only inside/,
    check: (c) => expect(readdirSync(join(c.dir, 'outside', 'boards'))).toEqual([]),
  },
  // 2: what is ours is decided by the marker written first, never by file names
  {
    name: 'walkforward into a folder that is not an experiment (the issue: x.txt, .tmp-abc, report.html, a plot) is refused; nothing in it changes',
    issue: 22,
    item: 2,
    setup: (c) => void userFolder(c),
    run: (c) => cli(['walkforward', '--config', c.configFile, ...atX(c), '--quiet']),
    code: 2,
    message:
      /refusing to use .*results\/x: it holds \.tmp-abc, a\.zip\.tmp-1-deadbeef, iterations and 2 more but is not an experiment of wfo-rl \(no \.wfo-owner\.json\)/,
    check: (c) => {
      expect(readFileSync(join(foreign(c), 'report.html'), 'utf8')).toBe('<p>my report</p>');
      expect(readFileSync(join(foreign(c), 'visualizations', 'equity.png'), 'utf8')).toBe('my chart');
      expect(walk(foreign(c))).toEqual(['.tmp-abc', 'a.zip.tmp-1-deadbeef', 'iterations/iter_1/x.txt', 'report.html', 'visualizations/equity.png']);
    },
  },
  {
    name: 'walkforward --fresh does not move aside a folder that is not an experiment',
    issue: 22,
    item: 2,
    setup: (c) => void userFolder(c),
    run: (c) => cli(['walkforward', '--config', c.configFile, ...atX(c), '--fresh', '--quiet']),
    code: 2,
    message: /refusing to use .*results\/x: .*nothing in it was touched; give another --experiment or --results-dir/,
    check: (c) => {
      expect(readdirSync(c.results).sort()).toEqual([LEDGERS, ID, 'x']);
      expect(walk(foreign(c))).toHaveLength(5);
    },
  },
  ...(
    [
      ['list', []],
      ['analyze', []],
      ['status', []],
      ['logs', []],
      ['verify', []],
      ['cleanup', ['--keep-last', '1']],
      ['report', []],
      ['evaluate', ['--iteration', '1']],
    ] as const
  ).map(([command, more]): Row => ({
    name: `${command} on a folder that is not an experiment says so (exit 2) and changes nothing in it`,
    issue: 22,
    item: 2,
    run: async (c) => {
      const before = userFolder(c);
      const r = await cli([command, ...atX(c), ...more]);
      expect(listing(foreign(c))).toEqual(before);
      return r;
    },
    code: 2,
    message: /refusing to use .*results\/x: it holds .* but is not an experiment of wfo-rl/,
  })),
  {
    name: 'an experiment of an earlier version (no marker; its config.json names it) is adopted by walkforward, which says so',
    issue: 22,
    item: 2,
    setup: (c) => rmSync(c.at(MARKER)),
    run: (c) => cli(['walkforward', '--config', c.configFile, ...at(c), '--no-charts', '--workers', '1']),
    code: 0,
    message: /adopted .*results\/e1: an experiment made by an earlier version of wfo-rl \(its config\.json names e1\); wrote \.wfo-owner\.json/,
    mayChange: ['config.json'],
    check: (c) => expect(JSON.parse(readFileSync(c.at(MARKER), 'utf8'))).toMatchObject({ product: 'wfo-rl', kind: 'experiment', id: ID }),
  },
  {
    name: 'a marker-less copy whose config.json names another experiment is not adopted: the reason is named',
    issue: 22,
    item: 2,
    setup: (c) => {
      rmSync(c.at(MARKER));
      spawnSync('cp', ['-a', c.root, join(c.results, 'copy')]);
    },
    run: (c) => cli(['verify', '--experiment', 'copy', '--results-dir', c.results, '--repair']),
    code: 2,
    message: /refusing to use .*results\/copy: .*its config\.json names experiment "e1", not "copy"/,
    check: (c) => expect(existsSync(join(c.results, 'copy', MARKER))).toBe(false),
  },
  {
    name: 'in an experiment of ours, a foreign file in an iteration folder stays (with a warning), a temporary file of ours goes, a look-alike stays',
    issue: 22,
    item: 2,
    setup: (c) => {
      mkdirSync(c.at('iterations/iter_2'), { recursive: true });
      writeFileSync(c.at('iterations/iter_2/x.txt'), 'mine');
      writeFileSync(c.at('iterations/iter_2/curr_best_model.zip.tmp-123-0badf00d'), 'a leftover of ours');
      writeFileSync(c.at('.tmp-abc'), 'mine');
    },
    run: (c) => cli(['walkforward', '--config', c.configFile, ...at(c), '--no-charts', '--workers', '1']),
    code: 0,
    message: /iterations\/iter_2\/x\.txt is not a file this program wrote: left in place/,
    mayChange: ['config.json'],
    check: (c) => {
      expect(readFileSync(c.at('iterations/iter_2/x.txt'), 'utf8')).toBe('mine');
      expect(readFileSync(c.at('.tmp-abc'), 'utf8')).toBe('mine');
      expect(existsSync(c.at('iterations/iter_2/curr_best_model.zip.tmp-123-0badf00d'))).toBe(false);
    },
  },
  {
    name: 'a sweep whose study folder exists and is not a study of ours is refused before study.json is written',
    issue: 22,
    item: 2,
    setup: (c) => {
      mkdirSync(join(c.results, 's1'));
      writeFileSync(join(c.results, 's1', 'notes.txt'), 'mine');
      writeFileSync(join(c.dir, 's1.yaml'), ['study: s1', `base: ${c.configFile}`, 'grid:', '  seed: [1]', ''].join('\n'));
    },
    run: (c) => cli(['sweep', '--config', join(c.dir, 's1.yaml'), '--no-charts']),
    code: 2,
    message: /refusing to use .*results\/s1: it holds notes\.txt but is not a study of wfo-rl/,
    check: (c) => expect(readdirSync(join(c.results, 's1'))).toEqual(['notes.txt']),
  },
  // 3: verify --repair touches nothing in a folder that is not ours; leftovers go only by our own names
  {
    name: 'verify --repair on a folder that is not an experiment (the issue: d/e/.tmp-1) removes nothing and writes no index',
    issue: 22,
    item: 3,
    setup: (c) => {
      mkdirSync(foreign(c));
      writeFileSync(join(foreign(c), '.tmp-1'), 'mine');
      writeFileSync(join(foreign(c), 'b.json.tmp-7-cafe1234'), 'mine, named like ours');
    },
    run: (c) => cli(['verify', ...atX(c), '--repair']),
    code: 2,
    message: /refusing to use .*results\/x: it holds \.tmp-1 and b\.json\.tmp-7-cafe1234 but is not an experiment of wfo-rl/,
    check: (c) => expect(readdirSync(foreign(c)).sort()).toEqual(['.tmp-1', 'b.json.tmp-7-cafe1234']),
  },
  {
    name: 'verify --repair in an experiment of ours removes a temporary file by its exact name pattern and leaves a look-alike',
    issue: 22,
    item: 3,
    setup: (c) => {
      writeFileSync(c.at('.tmp-1'), 'mine');
      writeFileSync(c.at('checkpoints/model_iter_1.zip.tmp-99-0123abcd'), 'a leftover of ours');
    },
    run: (c) => cli(['verify', ...at(c), '--repair']),
    code: 0,
    message: /removed .*checkpoints\/model_iter_1\.zip\.tmp-99-0123abcd/,
    mayChange: ['checkpoint_index.json'],
    check: (c) => {
      expect(readFileSync(c.at('.tmp-1'), 'utf8')).toBe('mine');
      expect(existsSync(c.at('checkpoints/model_iter_1.zip.tmp-99-0123abcd'))).toBe(false);
    },
  },
  // 13: synth refuses what cannot give finite prices, stays in bounded memory at its maximum, and a failure leaves nothing
  {
    name: 'synth --bars 10000000 is refused at once, naming the maximum',
    issue: 22,
    item: 13,
    run: (c) => synth(join(c.results, 'big.csv'), '--bars', '10000000'),
    code: 2,
    message: /--bars: got 10000000; expected a whole number from 10 to 1000000/,
    maxRssMiB: 200,
    check: (c) => expect(readdirSync(c.results).sort()).toEqual([LEDGERS, ID]),
  },
  {
    name: 'synth --bars 1000000 (the maximum) finishes in bounded memory; the oracle figures that overflow a double are null with the reason',
    issue: 22,
    item: 13,
    run: (c) => synth(join(c.results, 'big.csv'), '--bars', '1000000'),
    code: 0,
    message: /Wrote .*big\.csv: 1000000 rows/,
    maxRssMiB: 500,
    check: (c) => {
      expect(readdirSync(c.results).sort()).toEqual([LEDGERS, 'big.csv', 'big.csv.json', ID]);
      const sidecar = syntheticSidecarSchema.parse(JSON.parse(readFileSync(join(c.results, 'big.csv.json'), 'utf8')));
      expect(sidecar.generator.bars).toBe(1_000_000);
      for (const [key, value] of Object.entries(sidecar.oracle.metrics))
        if (value === null) expect(sidecar.oracle.metrics.nullReasons[key]).toBeTruthy();
      const text = readFileSync(join(c.results, 'big.csv'), 'utf8');
      expect(text.split('\n')).toHaveLength(1_000_002);
      expect(text).not.toMatch(/Infinity|NaN/);
    },
  },
  ...(
    [
      [
        '--drift 0.01 over 100000 bars',
        ['--bars', '100000', '--drift', '0.01'],
        /--bars 100000 with --phi 0\.2, --sigma 0\.00988, --drift 0\.01: the log price could reach \+-1040 .*allowed with the other values as given: --bars <= 66078, or \|--drift\| <= 0\.00655/,
      ],
      ['--sigma 1e6', ['--sigma', '1e6'], /--sigma 1000000.*allowed with the other values as given: .*--sigma <= 4\.85/],
      ['--start-price 1e305', ['--start-price', '1e305'], /could reach \+-70\d .*lower --start-price or the other values/],
    ] as const
  ).map(([what, flags, message]): Row => ({
    name: `synth with ${what} (prices that would leave the range of a double) is refused up front naming the flags and what fits`,
    issue: 22,
    item: 13,
    run: (c) => synth(join(c.results, 'x.csv'), ...flags),
    code: 2,
    message,
    check: (c) => expect(readdirSync(c.results).sort()).toEqual([LEDGERS, ID]),
  })),
  {
    name: 'synth --kind ou with a diffusion no double holds is refused naming --sigma',
    issue: 22,
    item: 13,
    run: (c) => cli(['synth', '--kind', 'ou', '--sigma', '1000', '--theta', '0.001', '--out', join(c.results, 'x.csv')]),
    code: 2,
    message: /--bars 4000 with --theta 0\.001, --sigma 1000, --mean-price 100: .*--sigma <= \d/,
  },
  {
    name: "synth --out '' is refused with a clear message (it said rename .tmp-999 -> '')",
    issue: 22,
    item: 13,
    run: () => synth(''),
    code: 2,
    message: /--out: got an empty path; expected a file path such as data\/synthetic\.csv/,
  },
  ...(
    [
      ['the CSV', 'ENOSPC:x.csv', /cannot write .*results\/x\.csv: ENOSPC/],
      ['the sidecar', 'ENOSPC:x.csv.json', /cannot write .*results\/x\.csv\.json: ENOSPC/],
    ] as const
  ).map(([what, fault, message]): Row => ({
    name: `synth that cannot write ${what} (disk full) leaves nothing: no CSV, no sidecar, no temporary file`,
    issue: 22,
    item: 13,
    run: (c) => cli(['synth', '--kind', 'ar1', '--bars', '200', '--out', join(c.results, 'x.csv')], { WFO_FAULT_INJECT: fault }),
    code: 1,
    message,
    check: (c) => expect(readdirSync(c.results).sort()).toEqual([LEDGERS, ID]),
  })),
  // 14: a refusal by the operating system is named as one, with the path
  ...(
    [
      [
        'walkforward',
        (c: Case) => cli(['walkforward', '--config', c.configFile, ...at(c), '--quiet']),
        /cannot write .*results\/e1\/\.lock: EPERM \(operation not permitted\)/,
      ],
      ['cleanup', (c: Case) => cli(['cleanup', ...at(c), '--keep-last', '1']), /cannot write .*results\/e1\/\.lock: EPERM/],
      ['verify --repair', (c: Case) => cli(['verify', ...at(c), '--repair']), /cannot write .*results\/e1\/\.lock: EPERM/],
      ['report', (c: Case) => cli(['report', ...at(c)]), /cannot write .*results\/e1\/report\.html: EPERM/],
    ] as const
  ).map(([command, run, message]): Row => ({
    name: `${command} in an immutable experiment folder (chattr +i) says EPERM and the path, not "is a file"`,
    issue: 22,
    item: 14,
    skip: canChattr,
    setup: (c) => immutable(c, c.root),
    run,
    code: 1,
    message,
    check: (_c, r) => expect(r.out).not.toMatch(/is a file/),
  })),
  {
    name: 'walkforward of a new experiment in an immutable folder below the results folder says EPERM and that folder',
    issue: 22,
    item: 14,
    skip: canChattr,
    setup: (c) => {
      mkdirSync(join(c.results, 'locked'));
      immutable(c, join(c.results, 'locked'));
    },
    run: (c) => cli(['walkforward', '--config', c.configFile, '--experiment', 'new1', '--results-dir', join(c.results, 'locked')]),
    code: 1,
    message: /cannot write .*results\/locked\/new1: EPERM/,
    check: (c, r) => {
      expect(r.out).not.toMatch(/is a file/);
      expect(readdirSync(join(c.results, 'locked'))).toEqual([]);
    },
  },
  ...(
    [
      ['list', 'the results folder', (c: Case) => c.results, /cannot read .*\/results: EACCES \(permission denied\)/],
      ['status', 'the results folder', (c: Case) => c.results, /cannot read .*\/results: EACCES/],
      ['verify', 'the results folder', (c: Case) => c.results, /cannot read .*\/results: EACCES/],
      ['list', 'the experiment folder', (c: Case) => c.root, /cannot list .*\/results\/e1: EACCES \(permission denied\)/],
    ] as const
  ).map(([command, what, folder, message]): Row => ({
    name: `${command} run by a user who cannot read ${what} says EACCES and the path, not "no experiment"`,
    issue: 22,
    item: 14,
    skip: canRunAsNobody,
    setup: (c) => lockFor(c, folder(c)),
    run: (c) => cliAsNobody([command, ...at(c)]),
    code: 1,
    message,
    check: (_c, r) => expect(r.out).not.toMatch(/no experiment/),
  })),
];
