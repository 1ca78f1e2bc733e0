/** The cases of issue 13 (hostile and careless inputs, round one), numbered as its items. */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { collect, startCli, waitForOutput } from '../../helpers/cli.js';
import { writeHostileZip } from '../../store/hostile-zip.js';
import { runWalkForward } from '../../../src/walkforward/run/index.js';
import { verifyExperiment } from '../../../src/inspect/verify.js';
import { listCheckpoints } from '../../../src/inspect/listing.js';
import { analyzeCheckpointPerformance } from '../../../src/inspect/performance.js';
import { cleanupCheckpoints } from '../../../src/retention/cleanup.js';
import { loadCheckpointModel } from '../../../src/inspect/load-checkpoint-model.js';
import { at, base, canBindReadOnly, canChattr, cli, editJson, ID, lib, runConfig, sha, type Case, type Row } from '../harness.js';

const logs: string[] = [];
const testSharpe = (c: Case, n: number) => JSON.parse(readFileSync(c.at(`checkpoints/metrics_iter_${n}.json`), 'utf8')).metrics.test.sharpe as number;
const tamperSharpe = (c: Case) =>
  editJson(c.at('checkpoints/metrics_iter_2.json'), (j) => ((j.metrics as { test: { sharpe: number } }).test.sharpe = 9.99));
const truncate = (p: string) => writeFileSync(p, readFileSync(p).subarray(0, 2000));
const bestIteration = (c: Case) => JSON.parse(readFileSync(c.at('best_model.json'), 'utf8')).iteration as number;

/** Kills a cleanup at a named moment (WFO_HOLD), so a rerun has to finish it. */
async function killCleanupAt(c: Case, phase: string, extra: string[] = []): Promise<void> {
  const child = startCli(['cleanup', ...at(c), '--keep-last', '1', ...extra], { env: { WFO_TRACE: '1', WFO_HOLD: phase } });
  await waitForOutput(child, new RegExp(`trace phase=${phase}`));
  child.kill('SIGKILL');
  await collect(child);
}

/** After a cleanup that kept only iterations `kept`: index, journal and disk agree, and each removed file is journaled once. */
function expectCleanState(c: Case, kept: number[], archived: boolean): void {
  const journal = readFileSync(c.at('cleanup_journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const removals = journal.filter((j) => j.file).map((j) => j.file as string);
  expect(new Set(removals).size).toBe(removals.length);
  for (const n of [1, 2, 3, 4]) expect(existsSync(c.at(`checkpoints/model_iter_${n}.zip`))).toBe(kept.includes(n));
  expect(removals.sort()).toEqual([1, 2, 3, 4].filter((n) => !kept.includes(n)).map((n) => `checkpoints/model_iter_${n}.zip`));
  const archives = existsSync(c.at('archive')) ? readdirSync(c.at('archive')) : [];
  expect(archives.length).toBe(archived ? 1 : 0);
}

export const issue13Rows: Row[] = [
  // 1: integrity cannot be re-blessed by a rerun
  {
    name: 'an edited test Sharpe in a record is not re-indexed by a rerun: the iteration is redone',
    issue: 13,
    item: 1,
    setup: tamperSharpe,
    run: (c) => cli(['walkforward', '--config', c.configFile, ...at(c), '--no-charts', '--workers', '1']),
    code: 0,
    message: /checkpoints\/metrics_iter_2\.json differs from the index.*iteration 2 is redone/,
    mayChange: ['checkpoints/metrics_iter_2.json', 'checkpoints/model_iter_2.zip', 'best_model', 'config.json'],
    check: async (c) => {
      expect(testSharpe(c, 2)).not.toBe(9.99);
      expect((await verifyExperiment(c.root, ID)).problems).toEqual([]);
      expect((await listCheckpoints(c.root)).rows[1].testSharpe).not.toBe(9.99);
    },
  },
  {
    name: 'list and analyze of an edited record show the indexed figures and say the file is not verified',
    issue: 13,
    item: 1,
    setup: tamperSharpe,
    run: (c) => cli(['list', ...at(c)]),
    code: 0,
    message: /warning: checkpoints\/metrics_iter_2\.json differs from its index entry/,
    mayChange: ['checkpoints/metrics_iter_2.json'],
    check: async (c, r) => {
      expect(r.out).not.toContain('9.990');
      const a = await analyzeCheckpointPerformance(c.root);
      expect(a.warnings.join()).toContain('metrics_iter_2.json');
      expect(a.iterations[1].testSharpe).not.toBe(9.99);
    },
  },
  {
    name: 'an edited figure in checkpoint_index.json is not shown: the verified record wins, with a warning',
    issue: 13,
    item: 1,
    setup: (c) =>
      editJson(c.at('checkpoint_index.json'), (j) => {
        const e = (j.entries as Array<{ path: string; metrics: { test: { sharpe: number } } }>).find(
          (x) => x.path === 'checkpoints/metrics_iter_2.json',
        );
        if (e) e.metrics.test.sharpe = 9.99;
      }),
    run: (c) => lib(() => listCheckpoints(c.root)),
    code: 0,
    message: /index entry of checkpoints\/metrics_iter_2\.json disagrees with the file/,
    mayChange: ['checkpoint_index.json'],
    check: async (c) => expect((await listCheckpoints(c.root)).rows[1].testSharpe).toBe(testSharpe(c, 2)),
  },
  {
    name: 'a preserved model replaced by another valid zip is not accepted by a rerun: its iteration is redone',
    issue: 13,
    item: 1,
    setup: (c) => cpSync(c.at('checkpoints/model_iter_1.zip'), c.at('checkpoints/model_iter_3.zip')),
    run: (c) => lib(() => runWalkForward(runConfig(c), { experiment: ID, charts: false })),
    code: 0,
    message: /./,
    mayChange: ['checkpoints/model_iter_3.zip', 'checkpoints/metrics_iter_3.json', 'best_model', 'config.json'],
    check: async (c) => {
      expect(sha(c.at('checkpoints/model_iter_3.zip'))).toBe(sha(join(base.results, ID, 'checkpoints/model_iter_3.zip')));
      expect((await verifyExperiment(c.root, ID)).problems).toEqual([]);
    },
  },
  // 2: nothing outside the results folder, whatever the id or path
  {
    name: "library runWalkForward({ experiment: '../../evil_lib' }) is refused",
    issue: 13,
    item: 2,
    run: (c) => lib(() => runWalkForward(runConfig(c), { experiment: '../../evil_lib', charts: false })),
    code: 2,
    message: /--experiment "\.\.\/\.\.\/evil_lib"/,
  },
  {
    name: "library runWalkForward({ experiment: '' }) is refused (it wrote into the results root)",
    issue: 13,
    item: 2,
    run: (c) => lib(() => runWalkForward(runConfig(c), { experiment: '', charts: false })),
    code: 2,
    message: /--experiment "":/,
  },
  {
    name: 'CLI walkforward --experiment ../outside/x is refused',
    issue: 13,
    item: 2,
    run: (c) => cli(['walkforward', '--config', c.configFile, '--experiment', '../outside/x', '--results-dir', c.results]),
    code: 2,
    message: /--experiment "\.\.\/outside\/x"/,
  },
  {
    name: 'library verifyExperiment with a traversing id is refused',
    issue: 13,
    item: 2,
    run: (c) => lib(() => verifyExperiment(c.root, '../outside')),
    code: 2,
    message: /--experiment "\.\.\/outside"/,
  },
  {
    name: 'loadCheckpointModel and evaluate --iteration refuse what is not a whole iteration number',
    issue: 13,
    item: 2,
    run: (c) => lib(() => loadCheckpointModel(c.root, 1.5)),
    code: 2,
    message: /--iteration 1\.5: expected a whole number >= 1/,
    check: async (c) => {
      const r = await cli(['evaluate', ...at(c), '--iteration', '-3']);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/--iteration -3/);
    },
  },
  {
    name: 'an index entry pointing outside the experiment is never deleted by cleanup',
    issue: 13,
    item: 2,
    setup: (c) =>
      editJson(c.at('checkpoint_index.json'), (j) => {
        const victim = join(c.dir, 'outside', 'victim.txt');
        (j.entries as object[]).push({
          path: '../../outside/victim.txt',
          kind: 'preserved',
          size: statSync(victim).size,
          sha256: sha(victim),
          iteration: 1,
          step: 0,
          metrics: null,
          time: new Date(0).toISOString(),
        });
      }),
    run: (c) => lib(() => cleanupCheckpoints(c.root, { keepLast: 1 })),
    code: 0,
    message: /./,
    mayChange: ['checkpoints/model_iter_', 'checkpoint_index.json', 'cleanup_journal.jsonl'],
  },
  {
    name: 'a checkpoints/ folder that is a link to elsewhere is refused before anything is written through it',
    issue: 13,
    item: 2,
    setup: (c) => {
      rmSync(c.at('checkpoints'), { recursive: true });
      mkdirSync(join(c.dir, 'outside', 'target'));
      symlinkSync(join(c.dir, 'outside', 'target'), c.at('checkpoints'));
    },
    run: (c) => lib(() => runWalkForward(runConfig(c), { experiment: ID, charts: false })),
    code: 2,
    message: /checkpoints is a symbolic link/,
    mayChange: ['checkpoints/'],
  },
  // 3: zip bombs stop before inflating
  {
    name: 'verify of a model whose entry declares 3 GiB stops at once, in bounded memory',
    issue: 13,
    item: 3,
    setup: (c) =>
      writeHostileZip(c.at('checkpoints/model_iter_1.zip'), [{ name: 'weights.bin', data: new Uint8Array(64), declaredSize: 3 * 2 ** 30 }]),
    run: (c) => cli(['verify', ...at(c)]),
    code: 1,
    message: /checkpoints\/model_iter_1\.zip: corrupt/,
    mayChange: ['checkpoints/model_iter_1.zip'],
    maxRssMiB: 600,
  },
  {
    name: 'evaluate of a 1 MB model inflating to 1 GiB refuses it in bounded memory',
    issue: 13,
    item: 3,
    setup: (c) => writeHostileZip(c.at('checkpoints/model_iter_1.zip'), [{ name: 'weights.bin', zeros: 1024 * 2 ** 20 }]),
    run: (c) => cli(['evaluate', ...at(c), '--iteration', '1']),
    code: 1,
    message: /model_iter_1\.zip/,
    mayChange: ['checkpoints/model_iter_1.zip'],
    maxRssMiB: 600,
  },
  // 4: cleanup killed at any moment, or run twice at once
  ...(['cleanup-planned', 'cleanup-indexed', 'cleanup-removing'] as const).map((phase): Row => ({
    name: `a cleanup killed at ${phase} is finished by the next one; index, journal and disk agree`,
    issue: 13,
    item: 4,
    setup: (c) => killCleanupAt(c, phase, phase === 'cleanup-indexed' ? ['--archive'] : []),
    run: (c) => cli(['cleanup', ...at(c), '--keep-last', '1', ...(phase === 'cleanup-indexed' ? ['--archive'] : [])]),
    code: 0,
    message: /finished the cleanup planned at .* that was interrupted/,
    mayChange: ['checkpoints/model_iter_', 'checkpoint_index.json'],
    check: async (c) => {
      expectCleanState(c, [4, bestIteration(c)], phase === 'cleanup-indexed');
      expect((await verifyExperiment(c.root, ID)).problems).toEqual([]);
    },
  })),
  {
    name: 'two cleanups at once: one runs, the other is refused naming the holder; nothing removed twice',
    issue: 13,
    item: 4,
    run: async (c) => {
      const [a, b] = await Promise.all([cli(['cleanup', ...at(c), '--keep-last', '1']), cli(['cleanup', ...at(c), '--keep-last', '1'])]);
      const codes = [a.code, b.code].sort().join(',');
      // Either the second waited for nothing to do (0, 0) or was refused while the first held the lock (0, 1).
      const refused = codes === '0,1' ? /in use by wfo cleanup \(pid \d+/.test(a.out + b.out) : true;
      return { code: (codes === '0,0' || codes === '0,1') && refused ? 0 : 9, out: a.out + b.out };
    },
    code: 0,
    message: /journal: .*cleanup_journal\.jsonl/,
    mayChange: ['checkpoints/model_iter_', 'checkpoint_index.json'],
    check: async (c) => {
      expectCleanState(c, [4, bestIteration(c)], false);
      expect((await verifyExperiment(c.root, ID)).problems).toEqual([]);
    },
  },
  // 5: verify --repair and a damaged index
  {
    name: 'verify --repair restores a truncated best model from best_model.zip and exits 0; list shows it as a model',
    issue: 13,
    item: 5,
    setup: (c) => truncate(c.at(`checkpoints/model_iter_${bestIteration(c)}.zip`)),
    run: (c) => cli(['verify', ...at(c), '--repair']),
    code: 0,
    message: /restored checkpoints\/model_iter_\d\.zip from best_model\.zip/,
    mayChange: ['checkpoint_index.json'],
    check: async (c) => {
      expect((await verifyExperiment(c.root, ID)).ok).toBe(true);
      const row = (await listCheckpoints(c.root)).rows.find((r) => r.best);
      expect(row?.status).toBe('model');
    },
  },
  {
    name: 'verify --repair of a truncated model with no copy exits 1 and says it is lost; list says corrupt, never pruned or BEST',
    issue: 13,
    item: 5,
    setup: (c) => truncate(c.at('checkpoints/model_iter_3.zip')),
    run: (c) => cli(['verify', ...at(c), '--repair']),
    code: 1,
    message: /lost: checkpoints\/model_iter_3\.zip \(corrupt, no intact copy\): iteration 3 is lost; run walkforward/,
    mayChange: ['checkpoints/model_iter_3.zip', 'checkpoint_index.json'],
    check: async (c) => {
      const row = (await listCheckpoints(c.root)).rows[2];
      expect(row.status).toBe('corrupt');
      expect(row.best).toBe(false);
    },
  },
  {
    name: 'best_model.zip truncated: verify --repair restores it from the preserved copy',
    issue: 13,
    item: 5,
    setup: (c) => truncate(c.at('best_model.zip')),
    run: (c) => lib(() => verifyExperiment(c.root, ID, { repair: true })),
    code: 0,
    message: /restored best_model\.zip from checkpoints\/model_iter_\d\.zip/,
    mayChange: ['checkpoint_index.json'],
    check: (c) => expect(sha(c.at('best_model.zip'))).toBe(sha(join(base.results, ID, 'best_model.zip'))),
  },
  ...(
    [
      ['list', (c: Case) => cli(['list', ...at(c)]), 0],
      ['analyze', (c: Case) => cli(['analyze', ...at(c)]), 0],
      ['cleanup', (c: Case) => cli(['cleanup', ...at(c), '--keep-last', '1']), 2],
      ['verify', (c: Case) => cli(['verify', ...at(c)]), 1],
      ['experiments', (c: Case) => cli(['experiments', '--results-dir', c.results]), 0],
    ] as const
  ).map(([command, run, code]): Row => ({
    name: `a garbage checkpoint_index.json is named by ${command}`,
    issue: 13,
    item: 5,
    setup: (c) => writeFileSync(c.at('checkpoint_index.json'), 'garbage{'),
    run,
    code,
    message: /checkpoint_index\.json is damaged: not JSON/,
    mayChange: ['checkpoint_index.json'],
  })),
  {
    name: 'a checkpoint_index.json of the wrong schema is named with the field at fault',
    issue: 13,
    item: 5,
    setup: (c) => writeFileSync(c.at('checkpoint_index.json'), JSON.stringify({ formatVersion: 1, experiment: ID, entries: 'x' })),
    run: (c) => lib(() => listCheckpoints(c.root)),
    code: 0,
    message: /checkpoint_index\.json is damaged: (entries|updatedAt)/,
    mayChange: ['checkpoint_index.json'],
  },
  // 6: clear words, right exit codes, no stack traces
  {
    name: 'verify on a mistyped id names the experiments there',
    issue: 13,
    item: 6,
    run: (c) => cli(['verify', '--experiment', 'e2', '--results-dir', c.results]),
    code: 2,
    message: /no experiment e2 under .*results; experiments there: e1/,
  },
  {
    name: 'report on a mistyped id names the experiments there',
    issue: 13,
    item: 6,
    run: (c) => cli(['report', '--experiment', 'el', '--results-dir', c.results]),
    code: 2,
    message: /no experiment el under .*results; experiments there: e1/,
  },
  {
    name: 'a results path that is a file',
    issue: 13,
    item: 6,
    setup: (c) => writeFileSync(join(c.dir, 'outside', 'file'), 'x'),
    run: (c) => cli(['walkforward', '--config', c.configFile, '--experiment', 'x', '--results-dir', join(c.dir, 'outside', 'file')]),
    code: 2,
    message: /outside\/file or a folder above it is a file; give --results-dir a folder/,
  },
  {
    name: 'a read-only (immutable) results folder: exit 1 naming the path, nothing created',
    issue: 13,
    item: 6,
    skip: canChattr,
    setup: (c) => void spawnSync('chattr', ['+i', c.results]),
    run: async (c) => {
      try {
        return await cli(['walkforward', '--config', c.configFile, '--experiment', 'new1', '--results-dir', c.results]);
      } finally {
        spawnSync('chattr', ['-i', c.results]);
      }
    },
    code: 1,
    message: /cannot write .*results\/new1.*: EPERM/,
    check: (c) => expect(existsSync(join(c.results, 'new1'))).toBe(false),
  },
  {
    name: 'a read-only file system (EROFS): exit 1 naming the path',
    issue: 13,
    item: 6,
    skip: canBindReadOnly,
    setup: (c) => {
      mkdirSync(join(c.dir, 'ro-results'));
      spawnSync('mount', ['--bind', join(c.dir, 'ro-results'), join(c.dir, 'ro-results')]);
      spawnSync('mount', ['-o', 'remount,bind,ro', join(c.dir, 'ro-results')]);
    },
    run: async (c) => {
      try {
        return await cli(['walkforward', '--config', c.configFile, '--experiment', 'new1', '--results-dir', join(c.dir, 'ro-results')]);
      } finally {
        spawnSync('umount', [join(c.dir, 'ro-results')]);
        rmSync(join(c.dir, 'ro-results'), { recursive: true, force: true });
      }
    },
    code: 1,
    message: /cannot write .*ro-results\/new1.*EROFS \(read-only file system\)/,
  },
  {
    name: 'disk full at start: exit 1 naming the file; no empty .lock or checkpoints/ left',
    issue: 13,
    item: 6,
    run: (c) =>
      cli(['walkforward', '--config', c.configFile, '--experiment', 'new2', '--results-dir', c.results], { WFO_FAULT_INJECT: 'ENOSPC:.lock' }),
    code: 1,
    message: /cannot write .*new2\/\.lock: ENOSPC \(no space left on device\)/,
    check: (c) => expect(existsSync(join(c.results, 'new2'))).toBe(false),
  },
  {
    name: 'disk full mid-run: exit 1 naming the model; the first iteration stays intact and verified',
    issue: 13,
    item: 6,
    // One thread: the first iteration is preserved before the second one's write fails (two workers run them at once).
    run: (c) =>
      cli(
        [
          'walkforward',
          '--config',
          c.configFile,
          '--experiment',
          'new3',
          '--results-dir',
          c.results,
          '--set',
          'windows.maxIterations=2',
          '--quiet',
          '--workers',
          '1',
          '--no-charts',
        ],
        {
          WFO_FAULT_INJECT: 'ENOSPC:model_iter_2.zip',
        },
      ),
    code: 1,
    message: /cannot write .*new3\/checkpoints\/model_iter_2\.zip.*: ENOSPC/,
    check: async (c) => {
      expect(existsSync(join(c.results, 'new3', 'checkpoints', 'model_iter_1.zip'))).toBe(true);
      expect((await verifyExperiment(join(c.results, 'new3'), 'new3')).problems.filter((p) => p.includes('iter_1'))).toEqual([]);
    },
  },
  {
    name: 'evaluate with the metrics file missing names it and what to do',
    issue: 13,
    item: 6,
    setup: (c) => rmSync(c.at('checkpoints/metrics_iter_2.json')),
    run: (c) => cli(['evaluate', ...at(c), '--iteration', '2']),
    code: 2,
    message: /checkpoints\/metrics_iter_2\.json/,
    mayChange: ['checkpoints/metrics_iter_2.json'],
  },
  {
    name: 'a 250-character id is refused in a short message',
    issue: 13,
    item: 6,
    run: (c) => cli(['verify', '--experiment', 'a'.repeat(250), '--results-dir', c.results]),
    code: 2,
    message: /--experiment "a{60}\.\.\.": use 1 to 200 letters/,
  },
  // 7: a renamed experiment keeps its seed
  {
    name: 'a renamed experiment folder resumes with the seed of its config.json, and says so',
    issue: 13,
    item: 7,
    setup: (c) => {
      cpSync(c.root, join(c.results, 'e1-renamed'), { recursive: true });
      editJson(c.configFile, (j) => (j.seed = null));
      for (const name of ['e1', 'e1-renamed'])
        editJson(join(c.results, name, 'config.json'), (j) => ((j.config as { seed: null | number }).seed = null));
    },
    run: (c) => lib(() => runWalkForward(runConfig(c), { experiment: 'e1-renamed', charts: false, onLog: (r) => logs.push(String(r.msg)) })),
    code: 0,
    message: /./,
    mayChange: ['config.json'],
    check: (c) => {
      const seed = JSON.parse(readFileSync(c.at('config.json'), 'utf8')).seed;
      expect(JSON.parse(readFileSync(join(c.results, 'e1-renamed', 'config.json'), 'utf8')).seed).toBe(seed);
      expect(logs.join('\n')).toMatch(
        new RegExp(`seed ${seed} from config\\.json \\(the experiment started as e1; the id e1-renamed alone would give \\d+\\)`),
      );
    },
  },
  // 8-10: inputs that are too big or too odd
  {
    name: 'a CSV with one 5 MB line gets a short message',
    issue: 13,
    item: 8,
    setup: (c) => writeFileSync(join(c.dir, 'outside', 'long.csv'), `date,close\n2020-01-01,${'9'.repeat(5 * 2 ** 20)}\n`),
    run: (c) => cli(['windows', '--config', c.configFile, '--data', join(c.dir, 'outside', 'long.csv')]),
    code: 2,
    message: /long\.csv/,
    check: (_c, r) => expect(r.out.length).toBeLessThan(5000),
  },
  {
    name: 'a 300,000-row CSV plans its windows in bounded memory',
    issue: 13,
    item: 9,
    setup: (c) => {
      const lines = ['date,close'];
      for (let i = 0; i < 300_000; i++) lines.push(`r${i},${(100 + Math.sin(i / 50) * 10).toFixed(4)}`);
      writeFileSync(join(c.dir, 'outside', 'big.csv'), lines.join('\n') + '\n');
    },
    run: (c) => cli(['windows', '--config', c.configFile, '--data', join(c.dir, 'outside', 'big.csv'), '--json', '--set', 'data.dateColumn=nodate']),
    code: 0,
    message: /"train"/,
    maxRssMiB: 700,
  },
  {
    name: 'a semicolon-separated file gets a hint about the separator',
    issue: 13,
    item: 10,
    setup: (c) => writeFileSync(join(c.dir, 'outside', 'semi.csv'), 'date;close\n2020-01-01;1\n2020-01-02;2\n'),
    run: (c) => cli(['windows', '--config', c.configFile, '--data', join(c.dir, 'outside', 'semi.csv')]),
    code: 2,
    message: /semi\.csv[\s\S]*semicolons/,
  },
  {
    name: 'huge values: timesteps=1e12 and --workers 64 are warned about before training',
    issue: 13,
    item: 10,
    run: async (c) => {
      const child = startCli(
        [
          'walkforward',
          '--config',
          c.configFile,
          '--experiment',
          'huge',
          '--results-dir',
          c.results,
          '--set',
          'training.timesteps=1000000000000',
          '--workers',
          '64',
        ],
        { compiled: true },
      );
      const line = await waitForOutput(child, /days at a rough/);
      child.kill('SIGKILL');
      const rest = await collect(child);
      return { code: 0, out: line + rest.stdout + rest.stderr };
    },
    code: 0,
    message: /training\.timesteps 1000000000000 x 4 iterations.*days/,
  },
  {
    name: 'verify on a running experiment says it is running, with the holder pid',
    issue: 13,
    item: 10,
    setup: (c) =>
      writeFileSync(
        c.at('.lock'),
        JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: 'wfo walkforward --experiment e1' }),
      ),
    run: (c) => cli(['verify', ...at(c)]),
    code: 1,
    message: new RegExp(`is running \\(wfo walkforward --experiment e1, pid ${process.pid}`),
    mayChange: ['.lock'],
  },
];
