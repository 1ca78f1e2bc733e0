/** Issue 22 (hostile inputs, round three): the sweeps cases (items 8-10). */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { collect, startCli, waitForOutput } from '../../helpers/cli.js';
import { planSweep } from '../../../src/cluster/sweep.js';
import { analyzeStudy } from '../../../src/cluster/study.js';
import { studyManifestSchema, studySummarySchema } from '../../../src/records/index.js';
import { checkExperimentId } from '../../../src/store/layout.js';
import { base, cli, lib, type Case, type Outcome, type Row } from '../harness.js';

const tens = (from: number, step = 1) => `[${Array.from({ length: 10 }, (_, i) => from + i * step).join(', ')}]`;
/** Six keys of ten values: 10^6 points. */
const MILLION = [
  'grid:',
  `  seed: ${tens(1)}`,
  `  env.lookback: ${tens(2)}`,
  `  agent.batchSize: ${tens(16)}`,
  `  agent.targetUpdateInterval: ${tens(100)}`,
  `  training.timesteps: ${tens(2000)}`,
  `  training.evalFreq: ${tens(200)}`,
];

/**
 * A sweep file in the case folder (written by setup, so the table's "nothing changed outside results/" holds for the
 * run) over the smallest config that still trains: one iteration of 400 steps, a point in about half a second. With
 * the default selection, seed 1 trades out of sample at a loss and seed 2 never trades (both checked where it matters).
 */
function sweepFile(c: Case, name: string, lines: string[]): string {
  const config = base.config as Record<string, Record<string, unknown>>;
  const tiny = {
    ...config,
    resultsDir: c.results,
    selection: {},
    windows: { ...config.windows, maxIterations: 1 },
    training: { timesteps: 400, evalFreq: 200 },
    agent: { ...config.agent, layers: [8], learningStarts: 100, targetUpdateInterval: 100, bufferSize: 1000, batchSize: 16 },
  };
  writeFileSync(join(c.dir, 'tiny.json'), JSON.stringify(tiny));
  const file = join(c.dir, `${name}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const file = (c: Case, name: string) => join(c.dir, `${name}.yaml`);
const sweep = (c: Case, name: string, ...more: string[]) =>
  cli(['sweep', '--config', file(c, name), '--results-dir', c.results, '--no-charts', ...more]);
const summaryOf = (c: Case, study: string) =>
  studySummarySchema.parse(JSON.parse(readFileSync(join(c.results, study, 'study_summary.json'), 'utf8')));
const errorLines = (out: string) => out.split('\n').filter((l) => l.startsWith('error:') || l.startsWith('  - '));
const walls = new WeakMap<Case, number>();
const peakRss = resolve('test/hostile/peak-rss.mjs');
/** Preloaded into a CLI child beside peak-rss.mjs: prints the CPU time (user + system) the process used, at exit. */
const cpuTime = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`cpu-ms ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\\n`); });",
)}`;

/** Starts a sweep, lets it plan, then sends one signal: planning must stop with the signal's exit code. */
async function signalDuringPlanning(c: Case, signal: NodeJS.Signals): Promise<Outcome> {
  const child = startCli(['sweep', '--config', file(c, 'million'), '--results-dir', c.results, '--max-points', '1000000'], { compiled: true });
  c.cleanups.push(() => void child.kill('SIGKILL'));
  const line = await waitForOutput(child, /planning 1000000 points/);
  const sent = Date.now();
  child.kill(signal);
  const r = await collect(child);
  walls.set(c, Date.now() - sent);
  return { code: r.code, out: `${line}\n${r.stdout}\n${r.stderr}` };
}

/** The sweep a case started and holds at its first point's summary (WFO_HOLD) until a signal lets it go. */
const holders = new WeakMap<Case, ChildProcess>();

export const sweepsRows: Row[] = [
  // 8: a huge grid is refused before planning; planning honours signals
  {
    name: 'a 10^6-point grid (six keys of ten values) is refused before planning: one line, in under 2 s and 300 MB',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'million', MILLION),
    run: (c) =>
      cli(['sweep', '--config', file(c, 'million'), '--results-dir', c.results], { NODE_OPTIONS: `--import=${peakRss} --import=${cpuTime}` }),
    code: 2,
    message: /million\.yaml: the sweep has 1,000,000 points \(seed 10 x env\.lookback 10 x .*\), more than the limit of 10,000; .*--max-points/,
    maxRssMiB: 300,
    check: (c, r) => {
      // CPU time, not wall time: on a machine shared with other work the wall clock measures the others too.
      expect(Number(/cpu-ms (\d+)/.exec(r.out)?.[1])).toBeLessThan(2000);
      expect(errorLines(r.out)).toHaveLength(1);
      expect(existsSync(join(c.results, 'million'))).toBe(false);
    },
  },
  {
    name: 'a 10^6-point grid written as one key of a million values (7.9 MB) is refused by its size before it is parsed',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'onekey', ['grid:', `  seed: [${Array.from({ length: 1_000_000 }, (_, i) => i).join(', ')}]`]),
    run: (c) =>
      cli(['sweep', '--config', file(c, 'onekey'), '--results-dir', c.results], { NODE_OPTIONS: `--import=${peakRss} --import=${cpuTime}` }),
    code: 2,
    message: /onekey\.yaml: the sweep file has 7,888,9\d\d bytes, more than the 1,048,576 a sweep file may hold .*--max-points/,
    maxRssMiB: 300,
    check: (c, r) => {
      expect(Number(/cpu-ms (\d+)/.exec(r.out)?.[1])).toBeLessThan(2000);
      expect(existsSync(join(c.results, 'onekey'))).toBe(false);
    },
  },
  {
    name: 'a sweep file that is a device is refused before it is read (it would never end)',
    issue: 22,
    item: 8,
    run: () => cli(['sweep', '--config', '/dev/zero']),
    code: 2,
    message: /\/dev\/zero: the sweep file is not a regular file/,
  },
  {
    name: 'maxPoints in the sweep file lowers the limit',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'capped', ['maxPoints: 2', 'base: tiny.json', 'grid:', '  seed: [1, 2, 3]']),
    run: (c) => sweep(c, 'capped'),
    code: 2,
    message: /capped\.yaml: the sweep has 3 points \(seed 3\), more than the limit of 2/,
    check: (c) => expect(existsSync(join(c.results, 'capped'))).toBe(false),
  },
  {
    name: '--max-points wins over the sweep file maxPoints',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'flagged', ['maxPoints: 100', 'base: tiny.json', 'grid:', '  seed: [1, 2, 3]']),
    run: (c) => sweep(c, 'flagged', '--max-points', '2'),
    code: 2,
    message: /flagged\.yaml: the sweep has 3 points \(seed 3\), more than the limit of 2/,
  },
  {
    name: '--max-points that is not a whole number >= 1 is refused naming the flag',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'one', ['base: tiny.json', 'grid:', '  seed: [1]']),
    run: (c) => sweep(c, 'one', '--max-points', '0.5'),
    code: 2,
    message: /--max-points: got 0\.5; expected a whole number >= 1/,
  },
  {
    name: 'SIGINT while a large sweep plans stops it at once (exit 130) with nothing written',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'million', MILLION),
    run: (c) => signalDuringPlanning(c, 'SIGINT'),
    code: 130,
    message: /study million: planning stopped by SIGINT; nothing was written/,
    check: (c) => {
      expect(walls.get(c)).toBeLessThan(5000);
      expect(existsSync(join(c.results, 'million'))).toBe(false);
    },
  },
  {
    name: 'SIGTERM while a large sweep plans stops it at once (exit 143) with nothing written',
    issue: 22,
    item: 8,
    setup: (c) => void sweepFile(c, 'million', MILLION),
    run: (c) => signalDuringPlanning(c, 'SIGTERM'),
    code: 143,
    message: /study million: planning stopped by SIGTERM; nothing was written/,
    check: (c) => {
      expect(walls.get(c)).toBeLessThan(5000);
      expect(existsSync(join(c.results, 'million'))).toBe(false);
    },
  },

  // 9: duplicates run and count once; ids stay unique; messages name the sweep file and the point
  {
    name: 'duplicate points (seed: [1, 1]) run and count once, and the console, manifest and summary say so',
    issue: 22,
    item: 9,
    setup: (c) => void sweepFile(c, 'dups', ['base: tiny.json', 'grid:', '  seed: [1, 1]']),
    run: (c) => sweep(c, 'dups'),
    code: 0,
    message: /dups\.yaml: 1 point computes the same as another and will run, and count, once: \{"seed":1\} = seed-1/,
    check: (c, r) => {
      expect(readdirSync(join(c.results, 'dups')).filter((f) => !f.includes('.'))).toEqual(['seed-1']);
      const manifest = studyManifestSchema.parse(JSON.parse(readFileSync(join(c.results, 'dups', 'study.json'), 'utf8')));
      expect(manifest.duplicates).toEqual([{ settings: { seed: 1 }, sameAs: 'seed-1' }]);
      const summary = summaryOf(c, 'dups');
      expect([summary.points.length, summary.trials.count, summary.duplicates.length]).toEqual([1, 1, 1]);
      expect(r.out).toMatch(/Study dups: 1 of 1 points finished \(1 duplicate point ran once\)/);
    },
  },
  {
    name: 'a listed point equal to another after the grid cross and the base config is planned once',
    issue: 22,
    item: 9,
    setup: (c) =>
      void sweepFile(c, 'same', [
        'base: tiny.json',
        'list:',
        `  - {env.lookback: ${(base.config.env as { lookback: number }).lookback}}`,
        '  - {}',
        '  - {env.lookback: 4}',
        'grid:',
        '  seed: [1]',
      ]),
    run: (c) => lib(() => planSweep(file(c, 'same')).then((p) => ({ ids: p.points.map((x) => x.id), duplicates: p.duplicates }))),
    code: 0,
    message: /"ids":\["lookback-8_seed-1","lookback-4_seed-1"\],"duplicates":\[\{"settings":\{"seed":1\},"sameAs":"lookback-8_seed-1"\}\]/,
  },
  {
    name: 'point names cut at 200 characters stay unique: each ends with a short hash of its settings',
    issue: 22,
    item: 9,
    setup: (c) => {
      const long = `${c.dir}/${'a'.repeat(250)}`;
      sweepFile(c, 'long', ['base: tiny.json', 'list:', `  - {data.path: "${long}1.csv"}`, `  - {data.path: "${long}2.csv"}`]);
    },
    run: (c) => lib(() => planSweep(file(c, 'long')).then((p) => p.points.map((x) => x.id))),
    code: 0,
    message: /^\["path-a{184}-[0-9a-f]{10}","path-a{184}-[0-9a-f]{10}"\]$/,
    check: (_c, r) => {
      const ids = JSON.parse(r.out) as string[];
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) expect(checkExperimentId(id)).toBe(id);
    },
  },
  {
    name: 'two data files of one name in different folders give two points, each named with a short hash',
    issue: 22,
    item: 9,
    setup: (c) => void sweepFile(c, 'paths', ['base: tiny.json', 'grid:', '  data.path: [a/prices.csv, b/prices.csv]']),
    run: (c) => lib(() => planSweep(file(c, 'paths')).then((p) => p.points.map((x) => x.id))),
    code: 0,
    message: /^\["path-prices-[0-9a-f]{10}","path-prices-[0-9a-f]{10}"\]$/,
    check: (_c, r) => expect(new Set(JSON.parse(r.out)).size).toBe(2),
  },
  {
    name: 'a point whose settings are invalid is named with the sweep file, never with --experiment',
    issue: 22,
    item: 9,
    setup: (c) => void sweepFile(c, 'badpoint', ['base: tiny.json', 'grid:', '  windows.train: [300, -5]', '  seed: [1, 2]']),
    run: (c) => sweep(c, 'badpoint'),
    code: 2,
    message: /badpoint\.yaml: point train--5_seed-1: windows\.train: got -5/,
    check: (c, r) => {
      expect(r.out).not.toMatch(/--experiment/);
      expect(errorLines(r.out).filter((l) => l.includes('windows.train'))).toHaveLength(1);
      expect(existsSync(join(c.results, 'badpoint'))).toBe(false);
    },
  },
  {
    name: 'a point started with another base config is refused naming the point folder and the sweep file, never --experiment',
    issue: 22,
    item: 9,
    setup: async (c) => {
      sweepFile(c, 'changed', ['base: tiny.json', 'grid:', '  seed: [1]']);
      expect((await sweep(c, 'changed')).code).toBe(0);
      const tiny = JSON.parse(readFileSync(join(c.dir, 'tiny.json'), 'utf8'));
      writeFileSync(join(c.dir, 'tiny.json'), JSON.stringify({ ...tiny, training: { ...tiny.training, timesteps: 500 } }));
    },
    run: (c) => sweep(c, 'changed'),
    code: 1,
    message: /seed-1: experiment seed-1 was started with another configuration[\s\S]*move .*changed\/seed-1 away .*study: in .*changed\.yaml/,
    check: (_c, r) => expect(r.out).not.toMatch(/--experiment|--force|--fresh/),
  },
  {
    name: 'a study named after a file name that is no valid id names the sweep file and study:, never --experiment',
    issue: 22,
    item: 9,
    setup: (c) => void sweepFile(c, 'my sweep', ['base: tiny.json', 'grid:', '  seed: [1]']),
    run: (c) => sweep(c, 'my sweep'),
    code: 2,
    message: /my sweep\.yaml: study "my sweep" \(the sweep file's name; set study: to choose another\)/,
    check: (_c, r) => expect(r.out).not.toMatch(/--experiment/),
  },

  // 10: one sweep per study; --results-dir; the best point traded; self-referencing YAML anchors
  {
    name: 'a second sweep of a study that is running is refused at its start naming the holder; the first finishes',
    issue: 22,
    item: 10,
    setup: async (c) => {
      sweepFile(c, 'lock', ['base: tiny.json', 'grid:', '  seed: [1]']);
      const child = startCli(['sweep', '--config', file(c, 'lock'), '--results-dir', c.results, '--no-charts'], {
        compiled: true,
        env: { WFO_TRACE: '1', WFO_HOLD: 'summary' },
      });
      holders.set(c, child);
      c.cleanups.push(() => void child.kill('SIGKILL'));
      await waitForOutput(child, /trace phase=summary/);
    },
    run: (c) => sweep(c, 'lock'),
    code: 1,
    message: /study lock \(.*results\/lock\) is in use by wfo sweep --config .*lock\.yaml \(pid \d+ on /,
    check: async (c, r) => {
      const first = holders.get(c) as ChildProcess;
      expect(r.out).toContain(`(pid ${first.pid} on`);
      first.kill('SIGINT');
      const interrupted = await collect(first);
      expect(interrupted.code).toBe(130);
      expect(existsSync(join(c.results, 'lock', '.lock'))).toBe(false);
      const again = await sweep(c, 'lock');
      expect([again.code, summaryOf(c, 'lock').points.map((p) => p.status)]).toEqual([0, ['finished']]);
    },
  },
  {
    name: 'sweep takes --results-dir, which wins over the sweep file resultsDir and the base config resultsDir',
    issue: 22,
    item: 10,
    setup: (c) => {
      sweepFile(c, 'where', ['base: tiny.json', 'resultsDir: outside/from-sweep-file', 'list:', '  - {}']);
      const tiny = JSON.parse(readFileSync(join(c.dir, 'tiny.json'), 'utf8'));
      writeFileSync(join(c.dir, 'tiny.json'), JSON.stringify({ ...tiny, resultsDir: join(c.dir, 'outside', 'from-base') }));
    },
    run: (c) => sweep(c, 'where'),
    code: 0,
    message: /results\/where\/study_summary\.json/,
    check: (c) => {
      expect(summaryOf(c, 'where').points.map((p) => [p.id, p.status])).toEqual([['base', 'finished']]);
      expect(readdirSync(join(c.dir, 'outside'))).toEqual(['victim.txt']);
    },
  },
  {
    name: 'the best point is chosen among points that traded, not a point that never traded',
    issue: 22,
    item: 10,
    setup: (c) => void sweepFile(c, 'best', ['base: tiny.json', 'grid:', '  seed: [1, 2]']),
    run: (c) => sweep(c, 'best'),
    code: 0,
    message: /deflated Sharpe of the best \(seed-1\)/,
    check: (c) => {
      const [traded, idle] = summaryOf(c, 'best').points;
      // The case this row is about: the point that traded lost money (a Sharpe below the idle point's 0); the other never held a position.
      expect(idle.stitched?.strategy.numTrades).toBe(0);
      expect(traded.stitched?.strategy.numTrades).toBeGreaterThan(0);
      expect(traded.perBarSharpe).toBeLessThan(0);
      expect(summaryOf(c, 'best').trials).toMatchObject({ best: 'seed-1', bestReason: null, count: 2 });
    },
  },
  {
    name: 'when no point traded the summary names no best point and says why',
    issue: 22,
    item: 10,
    setup: (c) => void sweepFile(c, 'idle', ['base: tiny.json', 'grid:', '  seed: [2]']),
    run: (c) => sweep(c, 'idle'),
    code: 0,
    message: /no best point: none of the 1 finished points traded out of sample/,
    check: async (c) => {
      const summary = summaryOf(c, 'idle');
      expect(summary.trials).toMatchObject({ best: null, count: 1, deflatedSharpe: { value: null } });
      expect(summary.trials.bestReason).toMatch(/traded/);
      expect(readFileSync(join(c.results, 'idle', 'study_report.html'), 'utf8')).toMatch(/Best point: none \(none of the 1 finished points traded/);
      expect((await analyzeStudy(join(c.results, 'idle'))).trials.best).toBeNull();
    },
  },
  {
    name: 'a self-referencing YAML anchor in a sweep file: exit 2, one line naming the file and the anchor',
    issue: 22,
    item: 10,
    setup: (c) => void sweepFile(c, 'anchor', ['base: tiny.json', 'grid: &g', '  seed: [*g]']),
    run: (c) => sweep(c, 'anchor'),
    code: 2,
    message: /anchor\.yaml: the sweep file is not valid YAML: the alias \*g at line 3, column 10 is inside its own anchor &g/,
    check: (_c, r) => expect(errorLines(r.out)).toHaveLength(2),
  },
  {
    name: 'a self-referencing YAML anchor in a config file (--config): exit 2 naming the file and the anchor',
    issue: 22,
    item: 10,
    setup: (c) => writeFileSync(join(c.dir, 'loop.yaml'), 'agent:\n  layers: &x [*x]\n'),
    run: (c) => cli(['windows', '--config', join(c.dir, 'loop.yaml')]),
    code: 2,
    message: /--config: .*loop\.yaml is not valid YAML: the alias \*x at line 2, column 15 is inside its own anchor &x/,
  },
  {
    name: "a self-referencing YAML anchor in a sweep's base config names the sweep file and the base",
    issue: 22,
    item: 10,
    setup: (c) => {
      writeFileSync(join(c.dir, 'loop.yaml'), 'grid: &g {seed: *g}\n');
      sweepFile(c, 'loopbase', ['base: loop.yaml', 'grid:', '  seed: [1]']);
    },
    run: (c) => sweep(c, 'loopbase'),
    code: 2,
    message: /loopbase\.yaml: base: .*loop\.yaml is not valid YAML: the alias \*g at line 1, column 17 is inside its own anchor &g/,
  },
];
